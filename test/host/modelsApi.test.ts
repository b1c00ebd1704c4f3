import { readFileSync } from 'node:fs';
import { ScoringHarness, diabetesReference, parseSimpleCsv } from '../support/scoringHarness';
import { hostSecrets, uniqueName } from '../support/testStorage';

// The models HTTP API on the real host, and batch scoring resolving models through the registry.
// The host gets a registry table and container of its own.

const { csv: diabetesCsv, expected } = diabetesReference();
const diabetesOnnx = readFileSync('models/diabetes/model.onnx');
const diabetesCard = JSON.parse(readFileSync('models/diabetes/model.json', 'utf8')) as Record<
  string,
  unknown
>;
const registryTable = uniqueName('models');
const uploads = uniqueName('uploads');
const harness = new ScoringHarness({
  MODEL_REGISTRY_TABLE: registryTable,
  MODEL_REGISTRY_CONTAINER: uniqueName('models'),
  DATA_READ_CONTAINERS: uploads,
});
let masterKey: string;

beforeAll(async () => {
  await harness.start();
  masterKey = (await hostSecrets(harness.host.hostId)).masterKey.value;
  const container = await harness.storage.ensureContainer(harness.input);
  await container.getBlockBlobClient('diabetes.csv').uploadData(Buffer.from(diabetesCsv), {
    metadata: { autoscore: 'false' },
  });
});

afterAll(async () => {
  await harness.host?.stop();
});

function api(path: string, init: RequestInit = {}): Promise<Response> {
  return harness.host.fetch(`/api/${path}`, {
    ...init,
    headers: { 'x-functions-key': masterKey, 'content-type': 'application/json', ...init.headers },
  });
}

const post = (path: string, body: unknown) => api(path, { method: 'POST', body: JSON.stringify(body) });
const card = { ...diabetesCard, name: 'progression', tags: { dataset: 'diabetes' } };

async function errorOf(response: Response, status: number): Promise<{ error: string; field?: string }> {
  expect(response.status).toBe(status);
  return (await response.json()) as { error: string; field?: string };
}

describe('registration', () => {
  it('a file onnxruntime cannot load is 400 with the runtime reason, and nothing is registered', async () => {
    const response = await post('models/progression/versions', {
      card: { ...card, sha256: undefined },
      onnxBase64: Buffer.from('this is not an onnx model').toString('base64'),
    });
    const body = await errorOf(response, 400);
    expect(body.field).toBe('onnx');
    expect(body.error).toMatch(
      /^Model "progression" cannot be loaded by onnxruntime: .*(protobuf|parse|Load model)/i,
    );
    expect((await api('models/progression')).status).toBe(404);
  });

  it.each<[string, unknown, string]>([
    ['no model file', { card }, 'onnxBase64'],
    ['a card that is not an object', { card: [1], onnxBase64: diabetesOnnx.toString('base64') }, 'card'],
    [
      'a card with a bad tag',
      { card: { tags: { a: 1 } }, onnxBase64: diabetesOnnx.toString('base64') },
      'card.tags.a',
    ],
  ])('%s is 400 naming the field', async (_what, body, field) => {
    expect((await errorOf(await post('models/progression/versions', body), 400)).field).toBe(field);
  });

  it('JSON (card + base64 file) is 201 with the version, its card and signature, and its Location', async () => {
    const response = await post('models/progression/versions', {
      card,
      onnxBase64: diabetesOnnx.toString('base64'),
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as {
      version: number;
      stage: string;
      sha256: string;
      card: { signature: unknown };
    };
    expect(body).toMatchObject({
      version: 1,
      stage: 'None',
      sha256: diabetesCard.sha256,
      tags: { dataset: 'diabetes' },
    });
    expect(body.card.signature).toMatchObject({ inputs: [{ name: 'input', shape: ['N', 10] }] });
    expect(response.headers.get('location')).toBe(
      `${harness.host.baseUrl}/api/models/progression/versions/1`,
    );
  });

  it('raw bytes with the card in the x-model-card header are version 2', async () => {
    const response = await api('models/progression/versions', {
      method: 'POST',
      body: diabetesOnnx,
      headers: {
        'content-type': 'application/octet-stream',
        'x-model-card': Buffer.from(
          JSON.stringify({ ...card, tags: { dataset: 'diabetes', run: 'second' } }),
        ).toString('base64'),
      },
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ version: 2, tags: { run: 'second' } });
  });
});

describe('registration from an uploaded file', () => {
  it('reads the model file from a container jobs may read: 201 with its SHA-256', async () => {
    const container = await harness.storage.ensureContainer(uploads);
    await container.getBlockBlobClient('big/model.onnx').uploadData(diabetesOnnx);
    const response = await post('models/uploaded/versions', {
      card: { ...card, name: 'uploaded' },
      blob: `${uploads}/big/model.onnx`,
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      name: 'uploaded',
      version: 1,
      sha256: diabetesCard.sha256,
    });
  });

  it.each<[string, unknown, number, string, RegExp]>([
    [
      "a file in the host's key store",
      { blob: 'azure-webjobs-secrets/x/host.json' },
      400,
      'blob',
      /^blob: container "azure-webjobs-secrets" is not one jobs may read/,
    ],
    [
      'a reference without a path',
      { blob: 'just-a-name' },
      400,
      'blob',
      /^"blob" must be "<container>\/<path>"/,
    ],
    [
      'both a blob and base64 bytes',
      { blob: `${uploads}/x.onnx`, onnxBase64: 'AA==' },
      400,
      'blob',
      /not both/,
    ],
    [
      'a file that does not exist',
      { blob: `${uploads}/nope.onnx` },
      404,
      '',
      /^The model file .*\/nope\.onnx does not exist\.$/,
    ],
  ])('%s is refused', async (_what, body, status, field, message) => {
    const answer = await errorOf(await post('models/uploaded/versions', body), status);
    expect(answer.error).toMatch(message);
    if (field) expect(answer.field).toBe(field);
  });
});

describe('reading', () => {
  it('GET /api/models lists it; GET /api/models/{name} shows versions; versions by number and stage', async () => {
    const listed = (await (await api('models')).json()) as { name: string; latestVersion: number }[];
    expect(listed).toContainEqual({ name: 'progression', latestVersion: 2 });
    const model = (await (await api('models/progression')).json()) as { versions: { version: number }[] };
    expect(model.versions.map((version) => version.version)).toEqual([1, 2]);
    expect(await (await api('models/progression/versions/1')).json()).toMatchObject({
      version: 1,
      card: { name: 'progression' },
    });
    expect(await (await api('models/progression/versions/latest')).json()).toMatchObject({ version: 2 });
  });

  it('GET /api/models/{name}/versions?tag=… lists the versions carrying every tag, newest first', async () => {
    const both = (await (await api('models/progression/versions?tag=dataset=diabetes')).json()) as {
      versions: { version: number }[];
    };
    expect(both).toMatchObject({ name: 'progression', tags: { dataset: 'diabetes' } });
    expect(both.versions.map((version) => version.version)).toEqual([2, 1]);
    const second = (await (
      await api('models/progression/versions?tag=dataset=diabetes&tag=run=second')
    ).json()) as { versions: { version: number; tags: Record<string, string> }[] };
    expect(second.versions).toMatchObject([{ version: 2, tags: { dataset: 'diabetes', run: 'second' } }]);
    const none = (await (await api('models/progression/versions?tag=run=third')).json()) as {
      versions: unknown[];
    };
    expect(none.versions).toEqual([]);
  });

  it.each<[string, number, string | undefined]>([
    ['models/progression/versions', 400, 'tag'],
    ['models/progression/versions?tag=dataset', 400, 'tag'],
    ['models/progression/versions?tag=dataset=diabetes&stage=shipped', 400, 'stage'],
    ['models/nope/versions?tag=a=b', 404, undefined],
    ['models/nope', 404, undefined],
    ['models/progression/versions/9', 404, undefined],
    ['models/progression/versions/production', 404, undefined],
    ['models/progression/versions/-1', 400, 'version'],
  ])('GET %s is %i', async (path, status, field) => {
    const body = await errorOf(await api(path), status);
    expect(body.field).toBe(field);
  });

  it('no key is 401', async () => {
    expect((await harness.host.fetch('/api/models')).status).toBe(401);
  });
});

describe('promotion, scoring and rollback', () => {
  async function scoreWith(model: string) {
    const response = await post('jobs', { input: { blob: 'diabetes.csv' }, model });
    expect(response.status).toBe(202);
    const job = await harness.waitForJob(((await response.json()) as { id: string }).id);
    expect(job.status).toBe('Succeeded');
    const output = parseSimpleCsv((await harness.readOutput(job.output!)).toString());
    output.rows.forEach((row, index) => expect(Number(row[0])).toBeCloseTo(expected[index]!, 3));
    return JSON.parse((await harness.readOutput(job.manifest!)).toString()) as { model: unknown };
  }

  it('stage changes with bad input are 400 naming the field; unknown version 404', async () => {
    expect(
      (await errorOf(await post('models/progression/stage', { version: 1, stage: 'Live', reason: 'r' }), 400))
        .field,
    ).toBe('stage');
    expect(
      (
        await errorOf(
          await post('models/progression/stage', { version: 'one', stage: 'Production', reason: 'r' }),
          400,
        )
      ).field,
    ).toBe('version');
    expect(
      (await errorOf(await post('models/progression/stage', { version: 1, stage: 'Production' }), 400)).field,
    ).toBe('reason');
    await errorOf(
      await post('models/progression/stage', { version: 9, stage: 'Production', reason: 'r' }),
      404,
    );
  });

  it('a job after promoting version 1 shows version 1 in its manifest; after promoting 2, version 2', async () => {
    const first = await post('models/progression/stage', {
      version: 1,
      stage: 'production',
      reason: 'first release',
      by: 'alice',
    });
    expect(first.status).toBe(200);
    expect((await scoreWith('progression@production')).model).toEqual({
      name: 'progression',
      version: 1,
      sha256: diabetesCard.sha256,
    });
    const second = await post('models/progression/stage', {
      version: 2,
      stage: 'Production',
      reason: 'retrained',
    });
    expect(await second.json()).toMatchObject({
      audit: {
        version: 2,
        stage: 'Production',
        previousProduction: 1,
        displaced: [{ version: 1, to: 'Archived' }],
        by: 'api',
      },
    });
    expect((await scoreWith('progression@production')).model).toMatchObject({
      name: 'progression',
      version: 2,
    });
  });

  it('concurrent promotions of the same version: one is 200, the others 409 saying why', async () => {
    await post('models/progression/versions', { card, onnxBase64: diabetesOnnx.toString('base64') });
    const responses = await Promise.all(
      [1, 2, 3].map((index) =>
        post('models/progression/stage', { version: 3, stage: 'Production', reason: `race ${index}` }),
      ),
    );
    expect(responses.map((response) => response.status).sort()).toEqual([200, 409, 409]);
    for (const response of responses.filter((r) => r.status === 409))
      expect(((await response.json()) as { error: string }).error).toMatch(
        /^(progression@3 is already in stage Production|Moving progression@3 to Production lost a race)/,
      );
  });

  it('rollback puts the previous production version back and is in the audit trail', async () => {
    const response = await post('models/progression/rollback', { reason: 'v3 misbehaves', by: 'bob' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      audit: { action: 'rollback', version: 2, previousProduction: 3, by: 'bob' },
    });
    const model = (await (await api('models/progression')).json()) as {
      production: number;
      audit: { action: string; reason: string }[];
    };
    expect(model.production).toBe(2);
    expect(model.audit.at(-1)).toMatchObject({ action: 'rollback', reason: 'v3 misbehaves' });
    expect((await errorOf(await post('models/progression/rollback', {}), 400)).field).toBe('reason');
  });
});
