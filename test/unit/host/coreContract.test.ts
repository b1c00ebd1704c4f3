/**
 * Contract tests: the real @azure/functions library (pinned 4.16.5) against the host's core module and
 * invoker, in process. They pin the RPC shapes the host sends and receives, so a library upgrade that
 * changes one fails here first.
 */
import { FunctionInvoker } from '../../../src/host/core/FunctionInvoker';
import { FunctionsCore, type RegisteredFunction } from '../../../src/host/core/FunctionsCore';
import type { RpcInvocationResponse } from '../../../src/host/core/coreTypes';
import { fromRpcHttpResponse } from '../../../src/host/converters/fromRpcHttpResponse';
import { toRpcHttpRequest } from '../../../src/host/converters/toRpcHttpRequest';

const logs: string[] = [];
const core = new FunctionsCore((level, category, message) => logs.push(`${level}/${category}: ${message}`));
jest.mock('@azure/functions-core', () => core, { virtual: true });

// Loaded after the mock, as the worker installs the core module before loading the app.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { app, output } = require('@azure/functions') as typeof import('@azure/functions');

const invoker = new FunctionInvoker(core, '/app', (level, category, message, fn) =>
  logs.push(`${fn} ${level}/${category}: ${message}`),
);

app.http('httpFn', {
  methods: ['POST'],
  authLevel: 'function',
  route: 'items/{id:int}',
  handler: async (request, context) => {
    context.log('got', request.params.id);
    const response = {
      status: 201,
      jsonBody: { id: request.params.id, body: await request.json(), q: request.query.get('q') },
    };
    return { ...response, cookies: [{ name: 'c', value: 'v', httpOnly: true, maxAge: 60 }] };
  },
});
app.timer('timerFn', {
  schedule: '0 */5 * * * *',
  handler: (timer, context) => void context.log(`pastDue=${timer.isPastDue}`),
});
const queueOut = output.storageQueue({ queueName: 'out', connection: 'AzureWebJobsStorage' });
app.storageQueue('queueFn', {
  queueName: 'in',
  connection: 'AzureWebJobsStorage',
  extraOutputs: [queueOut],
  handler: (message, context) => {
    context.extraOutputs.set(queueOut, [`echo ${JSON.stringify(message)}`]);
    return { seen: context.triggerMetadata?.dequeueCount };
  },
});

// eslint-disable-next-line @typescript-eslint/no-require-imports
const df = require('durable-functions') as typeof import('durable-functions');
df.app.activity('contractActivity', { handler: (input: unknown) => input });
df.app.orchestration('contractOrchestrator', function* (context) {
  const input = context.df.getInput<string>();
  if (input === 'fail') throw new Error('contract failure');
  const result: unknown = yield context.df.callActivity('contractActivity', input);
  return result;
});

const orchestrationPayload = (input: string) => ({
  string: JSON.stringify({
    history: [
      { EventType: 12, EventId: -1, IsPlayed: false, Timestamp: '2026-01-01T00:00:00Z' },
      {
        EventType: 0,
        EventId: -1,
        IsPlayed: false,
        Timestamp: '2026-01-01T00:00:00Z',
        Name: 'contractOrchestrator',
        Input: JSON.stringify(input),
      },
    ],
    input,
    instanceId: 'i1',
    isReplaying: false,
    upperSchemaVersion: 1,
  }),
});

function registered(name: string): RegisteredFunction {
  const fn = core.functions().find((candidate) => candidate.metadata.name === name);
  if (!fn) throw new Error(`${name} not registered`);
  return fn;
}

describe('@azure/functions-core contract', () => {
  it('records registrations with the binding metadata the library produces', () => {
    const bindings = Object.values(registered('httpFn').metadata.bindings);
    expect(bindings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'httpTrigger',
          direction: 'in',
          authLevel: 'function',
          methods: ['POST'],
          route: 'items/{id:int}',
        }),
        expect.objectContaining({ type: 'http', direction: 'out' }),
      ]),
    );
    expect(Object.keys(registered('httpFn').metadata.bindings)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^httpTrigger/), '$return']),
    );
  });

  it('rejects unknown hook names with a RangeError flagged as a system error', () => {
    expect(() => core.registerHook('nope', () => undefined)).toThrow(RangeError);
    try {
      core.registerHook('nope', () => undefined);
    } catch (error) {
      expect((error as { isAzureFunctionsSystemError?: boolean }).isAzureFunctionsSystemError).toBe(true);
    }
  });

  it('sends HTTP requests as {http} data and reads the response from returnValue.http', async () => {
    const url = new URL('http://127.0.0.1:7071/api/items/7?q=x');
    const request = toRpcHttpRequest(
      {
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from('{"a":1}'),
        raw: undefined as never,
      },
      { id: '7' },
    );
    expect(request.http).toMatchObject({
      method: 'POST',
      url: url.toString(),
      query: { q: 'x' },
      params: { id: '7' },
    });
    const response = await invoker.invoke(registered('httpFn'), {
      inputData: [{ name: triggerName('httpFn'), data: request }],
    });
    const http = response.returnValue?.http;
    expect(http?.statusCode).toBe('201');
    expect(http?.cookies?.[0]).toMatchObject({
      name: 'c',
      value: 'v',
      httpOnly: { value: true },
      maxAge: { value: 60 },
    });
    const converted = fromRpcHttpResponse(response.returnValue);
    expect(converted.status).toBe(201);
    expect(JSON.parse(converted.body!.toString())).toEqual({ id: '7', body: { a: 1 }, q: 'x' });
    expect(converted.headers?.['set-cookie']).toEqual(['c=v; Max-Age=60; HttpOnly']);
    expect(logs.some((line) => line.includes('httpFn information/user: got 7'))).toBe(true);
  });

  it('sends timer input PascalCase; the library camelCases it', async () => {
    const data = {
      json: JSON.stringify({ Schedule: { AdjustForDST: true }, ScheduleStatus: null, IsPastDue: true }),
    };
    await invoker.invoke(registered('timerFn'), { inputData: [{ name: triggerName('timerFn'), data }] });
    expect(logs.some((line) => line.includes('pastDue=true'))).toBe(true);
  });

  it('returns extra outputs in outputData and a non-HTTP return value in returnValue', async () => {
    const response: RpcInvocationResponse = await invoker.invoke(registered('queueFn'), {
      inputData: [{ name: triggerName('queueFn'), data: { string: '{"n":1}' } }],
      triggerMetadata: { DequeueCount: { json: '2' } },
    });
    expect(response.outputData).toEqual([
      { name: queueOut.name, data: { json: JSON.stringify(['echo {"n":1}']) } },
    ]);
    expect(response.returnValue).toEqual({ json: JSON.stringify({ seen: 2 }) });
  });
});

function triggerName(functionName: string): string {
  const [name] =
    Object.entries(registered(functionName).metadata.bindings).find(([, binding]) =>
      /Trigger$/.test(String(binding.type)),
    ) ?? [];
  return name!;
}

describe('durable-functions out-of-proc contract (schema V2)', () => {
  it('returns orchestrator state as returnValue.json with actions nested one level, string inputs JSON-encoded once more', async () => {
    const response = await invoker.invoke(registered('contractOrchestrator'), {
      inputData: [{ name: triggerName('contractOrchestrator'), data: orchestrationPayload('Tokyo') }],
    });
    const state = JSON.parse(response.returnValue!.json!);
    expect(state).toMatchObject({ isDone: false, schemaVersion: 1 });
    expect(state.actions).toEqual([[{ actionType: 0, functionName: 'contractActivity', input: '"Tokyo"' }]]);
  });

  it('fails the invocation with the state after $OutOfProcData$ when the orchestrator throws', async () => {
    await expect(
      invoker.invoke(registered('contractOrchestrator'), {
        inputData: [{ name: triggerName('contractOrchestrator'), data: orchestrationPayload('fail') }],
      }),
    ).rejects.toThrow(/\$OutOfProcData\$:\{.*"error":"contract failure"/s);
  });

  it('returns activity string results as {string}, not JSON', async () => {
    const response = await invoker.invoke(registered('contractActivity'), {
      inputData: [{ name: triggerName('contractActivity'), data: { json: '"123"' } }],
    });
    expect(response.returnValue).toEqual({ string: '123' });
  });
});
