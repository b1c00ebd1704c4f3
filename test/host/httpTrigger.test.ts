import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { TestHost } from '../support/TestHost';
import { testStorage, uniqueName } from '../support/testStorage';

const appDir = 'test/fixtures/apps/http-app';
let host: TestHost;

beforeAll(async () => {
  host = await TestHost.start(appDir);
});

afterAll(async () => {
  await host?.stop();
});

async function readKeys(hostId: string) {
  const container = testStorage().blobs.getContainerClient('azure-webjobs-secrets');
  const hostSecrets = JSON.parse(
    (await container.getBlockBlobClient(`${hostId}/host.json`).downloadToBuffer()).toString(),
  );
  const secureSecrets = JSON.parse(
    (await container.getBlockBlobClient(`${hostId}/secure.json`).downloadToBuffer()).toString(),
  );
  return {
    master: hostSecrets.masterKey.value as string,
    hostDefault: hostSecrets.functionKeys[0].value as string,
    secureDefault: secureSecrets.keys[0].value as string,
  };
}

describe('HTTP trigger', () => {
  it('serves a function under the routePrefix from host.json with settings from local.settings.json', async () => {
    const response = await host.fetch('/v1/hello?name=Ada');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('Hello from local.settings.json, Ada!');
    expect((await host.fetch('/api/hello')).status).toBe(404);
  });

  it('passes the request body', async () => {
    const response = await host.fetch('/v1/hello', { method: 'POST', body: 'Grace' });
    expect(await response.text()).toBe('Hello from local.settings.json, Grace!');
  });

  it('answers 404 for a method the function does not accept', async () => {
    expect((await host.fetch('/v1/hello', { method: 'PUT' })).status).toBe(404);
  });

  it('matches route templates with typed and optional parameters', async () => {
    const withId = await host.fetch('/v1/products/Books/17?sort=asc');
    expect(await withId.json()).toEqual({ params: { category: 'Books', id: '17' }, query: { sort: 'asc' } });
    const withoutId = await host.fetch('/v1/products/Books');
    expect(await withoutId.json()).toEqual({ params: { category: 'Books' }, query: {} });
    expect((await host.fetch('/v1/products/Books/seventeen')).status).toBe(404);
    expect((await host.fetch('/v1/products/B00ks')).status).toBe(404);
  });

  it('prefers a literal route over a parameter route', async () => {
    expect(await (await host.fetch('/v1/products/featured')).text()).toBe('featured');
  });

  it('captures the rest of the path in a catch-all parameter', async () => {
    expect(await (await host.fetch('/v1/files/a/b%20c/d.txt')).text()).toBe('a/b c/d.txt');
    expect(await (await host.fetch('/v1/files')).text()).toBe('(root)');
  });

  it('returns status, headers, JSON body and cookies set by the function', async () => {
    const response = await host.fetch('/v1/created', {
      method: 'POST',
      body: JSON.stringify({ sku: 'A1' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-item-id')).toBe('42');
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.getSetCookie()).toEqual(['session=abc; Path=/; HttpOnly; SameSite=Strict']);
    expect(await response.json()).toEqual({ received: { sku: 'A1' } });
  });

  it('round-trips binary bodies byte for byte', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, index) => index));
    const response = await host.fetch('/v1/echoBytes', {
      method: 'PUT',
      body: bytes,
      headers: { 'content-type': 'application/x-test' },
    });
    expect(response.headers.get('content-type')).toBe('application/x-test');
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('answers 500 when the function throws, and logs the error with the function name', async () => {
    const response = await host.fetch('/v1/fails');
    expect(response.status).toBe(500);
    await host.waitForLog(
      /Executed 'Functions\.fails' \(Failed, Id=[0-9a-f-]+, Duration=\d+ms\)[\s\S]*deliberate failure in fails/,
    );
  });

  it('answers 204 when the function returns nothing', async () => {
    expect((await host.fetch('/v1/noContent', { method: 'DELETE' })).status).toBe(204);
  });

  it('logs one line per invocation and honours host.json log levels', async () => {
    await host.fetch('/v1/logLevels');
    await host.fetch('/v1/quiet');
    await host.waitForLog(/Executed 'Functions\.quiet' \(Succeeded/);
    const output = host.output();
    expect(output).toContain('[logLevels] debug-line');
    expect(output).toContain('[logLevels] info-line');
    expect(output).toMatch(/warn: \[logLevels\] warn-line/);
    expect(output).toMatch(/error: \[logLevels\] error-line/);
    expect(output).not.toContain('trace-line');
    expect(output).toContain('[quiet] quiet-info-line');
    expect(output).not.toContain('quiet-debug-line');
    expect(host.count(/Executed 'Functions\.logLevels'/)).toBe(1);
  });

  it('runs hooks as the worker does: appStart data, preInvocation replacing the handler, postInvocation', async () => {
    const response = await host.fetch('/v1/hooked?x=1');
    expect(await response.text()).toBe('appStart|1|wrapped');
    await host.waitForLog(/HOOK postInvocation marker=pre status=ok/);
    expect(host.output()).toContain('HOOK appStart');
  });
});

describe('HTTP keys', () => {
  it('keeps keys in azure-webjobs-secrets as the Functions host does', async () => {
    const keys = await readKeys(host.hostId);
    expect(keys.master).toMatch(/^[A-Za-z0-9_-]{40,}==$/);
    expect(keys.secureDefault).not.toBe(keys.master);
  });

  it('refuses function-level routes without a key (401) or with a wrong key (401)', async () => {
    expect((await host.fetch('/v1/secure')).status).toBe(401);
    expect((await host.fetch('/v1/secure?code=wrong')).status).toBe(401);
    await host.waitForLog(
      /GET \/v1\/secure: 401, the route needs function-level access[^\n]*npx durable-scoring keys/,
    );
  });

  it('accepts the function key, a host key or the master key, in ?code= or x-functions-key', async () => {
    const keys = await readKeys(host.hostId);
    expect(await (await host.fetch(`/v1/secure?code=${encodeURIComponent(keys.secureDefault)}`)).text()).toBe(
      'secret',
    );
    const byHeader = await host.fetch('/v1/secure', { headers: { 'x-functions-key': keys.hostDefault } });
    expect(byHeader.status).toBe(200);
    expect((await host.fetch('/v1/secure', { headers: { 'x-functions-key': keys.master } })).status).toBe(
      200,
    );
  });

  it('admin level needs the master key: 401 without a key, 403 with a function key', async () => {
    const keys = await readKeys(host.hostId);
    expect((await host.fetch('/v1/adminOnly')).status).toBe(401);
    expect(
      (await host.fetch('/v1/adminOnly', { headers: { 'x-functions-key': keys.hostDefault } })).status,
    ).toBe(403);
    expect((await host.fetch('/v1/adminOnly', { headers: { 'x-functions-key': keys.master } })).status).toBe(
      200,
    );
  });

  it('serves an anonymous health endpoint', async () => {
    const response = await host.fetch('/admin/host/status');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: host.hostId, state: 'Running' });
  });
});

/** Sends only a request's head, declaring a body it never sends, and reads what the host answers. */
async function sendHeadOnly(baseUrl: string, head: string): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  const socket = net.connect(Number(port), hostname);
  socket.write(head);
  let answer = '';
  for await (const chunk of socket) answer += String(chunk);
  return answer;
}

describe('request body limit', () => {
  const tooLarge =
    /^\{"message":"The request body is larger than the host's limit of 1 MB \(1048576 bytes\)\. Send a smaller body, or raise the limit with the app setting FUNCTIONS_REQUEST_BODY_SIZE_LIMIT \(in bytes\)\."\}$/;
  let limited: TestHost;

  beforeAll(async () => {
    limited = await TestHost.start(appDir, { settings: { FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '1048576' } });
  });

  afterAll(async () => {
    await limited?.stop();
  });

  it('answers a body over the default 100 MB with 413 naming the limit and the setting, before it is sent', async () => {
    const answer = await sendHeadOnly(
      host.baseUrl,
      'POST /v1/bodySize HTTP/1.1\r\nHost: localhost\r\nContent-Length: 157286400\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(answer).toContain(
      '{"message":"The request body is larger than the host\'s limit of 100 MB (104857600 bytes). Send a smaller body, or raise the limit with the app setting FUNCTIONS_REQUEST_BODY_SIZE_LIMIT (in bytes)."}',
    );
    expect(host.output()).toMatch(
      /POST \/v1\/bodySize: 413, the request body \(157286400 bytes\) is larger than 104857600 bytes/,
    );
  });

  it('takes the limit from FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: a body at the limit passes', async () => {
    const response = await limited.fetch('/v1/bodySize', { method: 'POST', body: Buffer.alloc(1048576, 7) });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('1048576');
  });

  it('answers a larger body with 413 that the client reads, whether it declared its length or not', async () => {
    const declared = await limited.fetch('/v1/bodySize', {
      method: 'POST',
      body: Buffer.alloc(3 * 1048576, 7),
    });
    expect(declared.status).toBe(413);
    expect(await declared.text()).toMatch(tooLarge);

    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let index = 0; index < 48; index++) controller.enqueue(new Uint8Array(64 * 1024).fill(7));
        controller.close();
      },
    });
    const chunked = await limited.fetch('/v1/bodySize', {
      method: 'POST',
      body: chunks,
      duplex: 'half',
    });
    expect(chunked.status).toBe(413);
    expect(await chunked.text()).toMatch(tooLarge);
    // The connection is closed cleanly and the host goes on serving.
    expect((await limited.fetch('/v1/hello?name=after')).status).toBe(200);
  });

  it('refuses a body announced with Expect: 100-continue without receiving it (curl)', async () => {
    const file = path.join(os.tmpdir(), `${uniqueName('body')}.bin`);
    await writeFile(file, Buffer.alloc(3 * 1048576, 7));
    const curl = promisify(execFile)('curl', [
      '-sS',
      '-w',
      '\n%{http_code} %{size_upload}',
      '-H',
      'Expect: 100-continue',
      '--data-binary',
      `@${file}`,
      `${limited.baseUrl}/v1/bodySize`,
    ]);
    const { stdout } = await curl.finally(() => rm(file, { force: true }));
    const [body, status] = stdout.split('\n');
    expect(body).toMatch(tooLarge);
    expect(status).toMatch(/^413 0$/);
  });

  it('refuses to start with a limit that is not a number of bytes', async () => {
    const { code, output } = await TestHost.startExpectingFailure(appDir, {
      settings: { FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '100MB' },
    });
    expect(code).toBe(1);
    expect(output).toContain(
      'The app setting FUNCTIONS_REQUEST_BODY_SIZE_LIMIT is "100MB": set it to the largest request body to accept, in bytes (the default is 104857600, 100 MB).',
    );
  });
});

describe('trace context', () => {
  const traceParent = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
  type TraceContext = { traceParent: string; traceState: string; attributes: Record<string, string> };
  const traceContextOf = async (headers: Record<string, string>) =>
    (await (await host.fetch('/v1/traceContext', { headers })).json()) as TraceContext;

  it('passes the request’s trace into the invocation as the host’s own span, a child of the caller’s', async () => {
    const seen = await traceContextOf({
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      tracestate: 'congo=t61rcWkgMzE',
    });
    const [, traceId, spanId, flags] = seen.traceParent.match(traceParent) ?? [];
    expect({ traceId, flags }).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', flags: '01' });
    expect(spanId).not.toBe('00f067aa0ba902b7');
    expect(seen.traceState).toBe('congo=t61rcWkgMzE');
    // Each invocation is a span of its own.
    const again = await traceContextOf({
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00',
    });
    expect(again.traceParent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-00$/);
    expect(again.traceParent).not.toBe(seen.traceParent);
  });

  it('starts a new sampled trace when the request has no valid traceparent', async () => {
    const none = await traceContextOf({});
    const invalid = await traceContextOf({
      traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
    });
    for (const seen of [none, invalid]) {
      expect(seen.traceParent).toMatch(traceParent);
      expect(seen.traceParent.endsWith('-01')).toBe(true);
      expect(seen.traceState).toBe('');
    }
    expect(none.traceParent.split('-')[1]).not.toBe(invalid.traceParent.split('-')[1]);
  });
});

describe('host lifecycle', () => {
  it('runs appTerminate hooks on Ctrl+C and exits 0', async () => {
    const second = await TestHost.start(appDir);
    expect(await second.stop()).toBe(0);
    expect(second.output()).toContain('HOOK appTerminate');
  });

  it('does not trigger a function disabled by AzureWebJobs.<name>.Disabled', async () => {
    const third = await TestHost.start(appDir, { settings: { 'AzureWebJobs.quiet.Disabled': 'true' } });
    try {
      expect((await third.fetch('/v1/quiet')).status).toBe(404);
      expect((await third.fetch('/v1/hello')).status).toBe(200);
      expect(third.output()).toContain('quiet: disabled (AzureWebJobs.quiet.Disabled)');
    } finally {
      await third.stop();
    }
  });

  it('refuses to start when a %SETTING% is missing, naming the function, binding and setting', async () => {
    const { code, output } = await TestHost.startExpectingFailure('test/fixtures/apps/misconfigured-app');
    expect(code).toBe(1);
    expect(output).toMatch(
      /Function 'needsSetting' \(binding "[^"]+"\) needs the app setting "ORDERS_QUEUE", which is not set/,
    );
  });

  it('refuses HTTP streaming mode at start with a clear message', async () => {
    const { code, output } = await TestHost.startExpectingFailure('test/fixtures/apps/streaming-app');
    expect(code).toBe(1);
    expect(output).toContain('enables HTTP streaming');
  });
});
