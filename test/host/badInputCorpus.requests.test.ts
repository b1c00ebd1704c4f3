import { readFileSync } from 'node:fs';
import http from 'node:http';
import { CorpusChecks } from '../support/CorpusChecks';
import { ScoringHarness } from '../support/scoringHarness';
import { uniqueName } from '../support/testStorage';

// The bad-input corpus, part 1: hostile or broken requests (job specs, model references in specs
// and URLs, job ids, model uploads). Each answer must be one a user can act on: 400 (404, 413 where
// that is the honest status) with a JSON body naming the field, or a job that ends Failed with a
// reason. Part 2 (badInputCorpus.files.test.ts) drops files. Throughout: no stack trace, server folder
// or secret in any answer, the host answers its health check, and a normal job dropped before and one
// dropped after the corpus succeed.

const diabetesCsv = readFileSync('test/fixtures/data/diabetes.csv', 'utf8');
const diabetesOnnx = readFileSync('models/diabetes/model.onnx');
const superresOnnx = readFileSync('test/fixtures/models/negative/superres_prepost_op18.onnx');
const bodyLimit = 1024 * 1024;
const registryContainer = uniqueName('models');
const harness = new ScoringHarness({
  MODEL_REGISTRY_TABLE: uniqueName('models'),
  MODEL_REGISTRY_CONTAINER: registryContainer,
  // A small limit keeps the over-the-limit upload fast; every other request stays under it.
  FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: String(bodyLimit),
});
let checks: CorpusChecks;
let controlAtStart: string;

beforeAll(async () => {
  await harness.start();
  checks = await CorpusChecks.of(harness.host);
  const container = await harness.storage.ensureContainer(harness.input);
  await container
    .getBlockBlobClient('diabetes.csv')
    .uploadData(Buffer.from(diabetesCsv), { metadata: { autoscore: 'false' } });
  controlAtStart = await harness.drop('control/start.csv', diabetesCsv);
  // The model the URL cases refer to.
  const registered = await call('POST', 'models/progression/versions', {
    onnxBase64: diabetesOnnx.toString('base64'),
  });
  expect(registered.status).toBe(201);
});

afterAll(async () => {
  await harness.host?.stop();
});

/**
 * A request with the master key, its path sent byte for byte (fetch would resolve "..", "%2E%2E");
 * `body` is sent as is when it is a string or bytes, else as JSON.
 */
function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const bytes =
    body === undefined
      ? undefined
      : Buffer.isBuffer(body)
        ? body
        : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const url = new URL(harness.host.baseUrl);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: `/api/${path}`,
        headers: {
          'x-functions-key': checks.masterKey,
          'content-type': 'application/json',
          ...(bytes === undefined ? {} : { 'content-length': String(bytes.length) }),
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(bytes);
  });
}

interface Expected {
  status: number;
  /** The `field` of the JSON error body (undefined: the body has no field). */
  field?: string;
  /**
   * The message, or "no body": the host answers before any function runs (no function has the
   * route: 404; headers past Node's limit: 431), with an empty body as on Azure.
   */
  error: RegExp | 'no body';
}

const bad = (field: string, error: RegExp): Expected => ({ status: 400, field, error });
const notFound = (error: RegExp | 'no body'): Expected => ({ status: 404, error });

/** Checks an error answer: status, JSON body with the field and message, nothing leaked, host healthy. */
async function expectAnswer(answer: { status: number; text: string }, expected: Expected, what: string) {
  checks.expectClean(answer.text, what);
  if (answer.status !== expected.status)
    throw new Error(
      `${what}: expected ${expected.status}, got ${answer.status} ${answer.text.slice(0, 500)}`,
    );
  if (expected.error === 'no body') {
    expect(answer.text).toBe('');
  } else {
    const body = JSON.parse(answer.text) as { error?: string; message?: string; field?: string };
    expect(body.error ?? body.message).toMatch(expected.error);
    expect(body.field).toBe(expected.field);
  }
  // A message quotes at most a short piece of what was sent, whatever its size.
  expect(answer.text.length).toBeLessThan(1000);
  await checks.expectHealthy();
}

const good = { input: { blob: 'diabetes.csv' }, model: 'diabetes' };
const keyed = (model: Record<string, unknown>) => ({
  ...good,
  model: { name: 'oj-sales', partitionBy: ['Store'], ...model },
});
const huge = 'x'.repeat(100_000);
/** JSON text of `value` with `depth` nested arrays in place of the string "NESTED" (too deep for JSON.stringify). */
const nested = (value: unknown, depth: number) =>
  JSON.stringify(value).replace('"NESTED"', '['.repeat(depth) + ']'.repeat(depth));
/** The message of a spec field: `Job spec field "<field>": <message>`. */
const spec = (field: string, message = '') =>
  new RegExp(`^Job spec field "${field.replace(/[.()]/g, '\\$&')}": .*${message}`);
const hub = `${harness.hubName.toLowerCase()}-largemessages`;
const mayNotRead = (container: string) =>
  new RegExp(
    `^input\\.container: container "${container}" is not one jobs may read \\(DATA_READ_CONTAINERS: `,
  );
const mayNotWrite = (container: string) =>
  new RegExp(
    `^output\\.container: container "${container}" is not one jobs may write to \\(DATA_WRITE_CONTAINERS: `,
  );

// [what, the body as sent, the answer]
const specCases: [string, unknown, Expected][] = [
  ['a body that is not JSON', '{"input": ', bad('(body)', /^The request body must be a JSON job spec\.$/)],
  [
    'NaN, which JSON does not have',
    '{"input": {"blob": "diabetes.csv"}, "model": "diabetes", "maxConcurrency": NaN}',
    bad('(body)', /^The request body must be a JSON job spec\.$/),
  ],
  ['an empty body', '', bad('(body)', /^The request body must be a JSON job spec\.$/)],
  ['null', 'null', bad('(body)', spec('(body)', 'expected object, received null'))],
  ['an array', [good], bad('(body)', spec('(body)', 'expected object, received array'))],
  ['a string', '"diabetes.csv"', bad('(body)', spec('(body)', 'expected object, received string'))],
  ['a number', '42', bad('(body)', spec('(body)', 'expected object, received number'))],
  ['an empty object', {}, bad('input', spec('input', 'expected object, received undefined'))],
  [
    '100,000 nested arrays as passThrough',
    nested({ ...good, output: { passThrough: 'NESTED' } }, 100_000),
    bad('output.passThrough.0', spec('output.passThrough.0', 'expected string, received array')),
  ],
  [
    '100,000 nested arrays under an unknown property',
    nested({ ...good, junk: 'NESTED' }, 100_000),
    bad('junk', /^Job spec field "junk": unknown property "junk"$/),
  ],
  [
    '10,000 nested objects as the model',
    nested({ ...good, model: 'NESTED' }, 10_000)
      .replace(/\[/g, '{"name":')
      .replace(/\]/g, '}')
      .replace('{"name":}', '"x"'),
    bad('model.name', spec('model.name', 'expected string, received object')),
  ],
  [
    'an unknown property in input',
    { ...good, input: { blob: 'diabetes.csv', sheet: 1 } },
    bad('input.sheet', /unknown property "sheet" in "input"$/),
  ],
  [
    'an unknown property in output',
    { ...good, output: { fmt: 'csv' } },
    bad('output.fmt', /unknown property "fmt" in "output"$/),
  ],
  [
    'an unknown property in errorThreshold',
    { ...good, errorThreshold: { maxBadRow: 1 } },
    bad('errorThreshold.maxBadRow', /unknown property "maxBadRow" in "errorThreshold"$/),
  ],
  [
    'an unknown property in retry',
    { ...good, retry: { attempts: 2 } },
    bad('retry.attempts', /unknown property "attempts" in "retry"$/),
  ],
  [
    'an unknown property in a keyed model',
    keyed({ by: 'Store' }),
    bad('model.by', /unknown property "by" in "model"$/),
  ],
  [
    'an unknown property in a keyed fallback',
    keyed({ fallback: { model: 'diabetes', when: 'always' } }),
    bad('model.fallback.when', /unknown property "when" in "model\.fallback"$/),
  ],
  [
    'a 100,000-character unknown property',
    { ...good, [huge]: 1 },
    bad('x'.repeat(100), /unknown property "x{100}"$/),
  ],
  [
    'partitionBytes as a string',
    { ...good, partitionBytes: '65536' },
    bad(
      'partitionBytes',
      spec(
        'partitionBytes',
        'must be a whole number of bytes from 65536 \\(64 KiB\\) to 1073741824 \\(1 GiB\\)$',
      ),
    ),
  ],
  [
    'maxConcurrency as a string',
    { ...good, maxConcurrency: '8' },
    bad('maxConcurrency', spec('maxConcurrency', 'must be a whole number of partitions from 1 to 64$')),
  ],
  ['maxConcurrency 1.5', { ...good, maxConcurrency: 1.5 }, bad('maxConcurrency', /from 1 to 64$/)],
  ['maxConcurrency -0', { ...good, maxConcurrency: -0 }, bad('maxConcurrency', /from 1 to 64$/)],
  ['maxConcurrency 1e300', { ...good, maxConcurrency: 1e300 }, bad('maxConcurrency', /from 1 to 64$/)],
  [
    'partitionBytes 1e300',
    { ...good, partitionBytes: 1e300 },
    bad('partitionBytes', /to 1073741824 \(1 GiB\)$/),
  ],
  [
    'maxBadRows -2',
    { ...good, errorThreshold: { maxBadRows: -2 } },
    bad('errorThreshold.maxBadRows', /must be a whole number of rows, or -1 for any number$/),
  ],
  [
    'maxBadRows 1e300',
    { ...good, errorThreshold: { maxBadRows: 1e300 } },
    bad('errorThreshold.maxBadRows', /or -1 for any number$/),
  ],
  [
    'maxFailedPartitions as true',
    { ...good, errorThreshold: { maxFailedPartitions: true } },
    bad('errorThreshold.maxFailedPartitions', /must be a whole number of partitions from 0$/),
  ],
  ['retry.maxAttempts 0', { ...good, retry: { maxAttempts: 0 } }, bad('retry.maxAttempts', /from 1 to 10$/)],
  [
    'retry.firstRetryIntervalMs -1',
    { ...good, retry: { firstRetryIntervalMs: -1 } },
    bad('retry.firstRetryIntervalMs', /from 100 to 600000$/),
  ],
  [
    'summaryOnly as "true"',
    { ...good, output: { summaryOnly: 'true' } },
    bad('output.summaryOnly', spec('output.summaryOnly', 'expected boolean')),
  ],
  [
    'an input container with capitals',
    { ...good, input: { blob: 'a.csv', container: 'Input' } },
    bad('input.container', spec('input.container', 'is not a valid container name$')),
  ],
  [
    'an input container with "--"',
    { ...good, input: { blob: 'a.csv', container: 'in--put' } },
    bad('input.container', /is not a valid container name$/),
  ],
  [
    'a 64-character output container',
    { ...good, output: { container: 'a'.repeat(64) } },
    bad('output.container', /is not a valid container name$/),
  ],
  [
    "the host's key store as input",
    { ...good, input: { blob: 'x/host.json', container: 'azure-webjobs-secrets', format: 'jsonl' } },
    bad('input.container', mayNotRead('azure-webjobs-secrets')),
  ],
  [
    "the host's receipts and timers as input",
    { ...good, input: { blob: 'blobreceipts/x.csv', container: 'azure-webjobs-hosts' } },
    bad('input.container', mayNotRead('azure-webjobs-hosts')),
  ],
  [
    "the task hub's large messages as input",
    { ...good, input: { blob: 'x.json', container: hub, format: 'jsonl' } },
    bad('input.container', mayNotRead(hub)),
  ],
  [
    "the registry's container as input",
    { ...good, input: { blob: 'progression/1/model.json', container: registryContainer, format: 'jsonl' } },
    bad('input.container', mayNotRead(registryContainer)),
  ],
  [
    "the host's key store as output",
    { ...good, output: { container: 'azure-webjobs-secrets' } },
    bad('output.container', mayNotWrite('azure-webjobs-secrets')),
  ],
  [
    "the host's receipts and timers as output",
    { ...good, output: { container: 'azure-webjobs-hosts' } },
    bad('output.container', mayNotWrite('azure-webjobs-hosts')),
  ],
  [
    "the task hub's large messages as output",
    { ...good, output: { container: hub } },
    bad('output.container', mayNotWrite(hub)),
  ],
  [
    "the registry's container as output",
    { ...good, output: { container: registryContainer } },
    bad('output.container', mayNotWrite(registryContainer)),
  ],
  [
    'the watched input container as output',
    { ...good, output: { container: harness.input } },
    bad('output.container', mayNotWrite(harness.input)),
  ],
  [
    'an .xlsx input',
    { ...good, input: { blob: 'sales.xlsx' } },
    bad(
      'input.format',
      /^Cannot tell the format of "sales\.xlsx": name it \.csv, \.jsonl or \.parquet, or set input\.format\.$/,
    ),
  ],
  [
    'input.format xlsx',
    { ...good, input: { blob: 'sales.xlsx', format: 'xlsx' } },
    bad('input.format', spec('input.format', 'expected one of "csv"\\|"jsonl"\\|"parquet"')),
  ],
  [
    'a blob name with a ".." segment',
    { ...good, input: { blob: 'a/../diabetes.csv' } },
    bad('input.blob', spec('input.blob', 'must not contain "\\.\\." segments$')),
  ],
  [
    'a blob name of ".."',
    { ...good, input: { blob: '..' } },
    bad('input.blob', /must not contain "\.\." segments$/),
  ],
  [
    'a blob name with a control character',
    { ...good, input: { blob: 'a\u0007.csv' } },
    bad('input.blob', /must not contain control characters$/),
  ],
  [
    'a blob name with NUL',
    { ...good, input: { blob: 'a\u0000.csv' } },
    bad('input.blob', /must not contain control characters$/),
  ],
  [
    'an empty blob name',
    { ...good, input: { blob: '' } },
    bad('input.blob', spec('input.blob', '>=1 characters')),
  ],
  [
    'a 1,025-character blob name',
    { ...good, input: { blob: `${'b'.repeat(1021)}.csv` } },
    bad('input.blob', spec('input.blob', '<=1024 characters')),
  ],
  [
    'an output prefix with a ".." segment',
    { ...good, output: { prefix: '../escape' } },
    bad('output.prefix', /must not contain "\.\." segments$/),
  ],
  [
    'an output prefix with a line break',
    { ...good, output: { prefix: 'a\nb' } },
    bad('output.prefix', /must not contain control characters$/),
  ],
  [
    'an empty delimiter',
    { ...good, input: { blob: 'diabetes.csv', delimiter: '' } },
    bad('input.delimiter', spec('input.delimiter', 'expected string to have exactly 1 characters$')),
  ],
  [
    'a two-character delimiter',
    { ...good, input: { blob: 'diabetes.csv', delimiter: ',,' } },
    bad('input.delimiter', spec('input.delimiter', 'expected string to have exactly 1 characters$')),
  ],
  [
    'a carriage return as delimiter',
    { ...good, input: { blob: 'diabetes.csv', delimiter: '\r' } },
    bad('input.delimiter', /must not be a line break or a double quote$/),
  ],
  [
    'a double quote as delimiter',
    { ...good, input: { blob: 'diabetes.csv', delimiter: '"' } },
    bad('input.delimiter', /must not be a line break or a double quote$/),
  ],
  [
    'a non-ASCII delimiter',
    { ...good, input: { blob: 'diabetes.csv', delimiter: '\u00a7' } },
    bad('input.delimiter', spec('input.delimiter', 'must be an ASCII character')),
  ],
  [
    'an emoji as delimiter',
    { ...good, input: { blob: 'diabetes.csv', delimiter: '\u{1F600}' } },
    bad('input.delimiter', spec('input.delimiter', 'must be an ASCII character')),
  ],
  // A 100,000-character string in every string field: refused naming the field, never echoed.
  ...(
    [
      ['input.blob', { ...good, input: { blob: huge } }, '<=1024 characters'],
      [
        'input.container',
        { ...good, input: { blob: 'a.csv', container: huge } },
        'is not a valid container name$',
      ],
      ['input.format', { ...good, input: { blob: 'a.csv', format: huge } }, 'expected one of'],
      ['input.delimiter', { ...good, input: { blob: 'a.csv', delimiter: huge } }, 'exactly 1 characters$'],
      ['model', { ...good, model: huge }, 'must be a model reference of at most 200 characters$'],
      ['model.name', keyed({ name: huge }), 'must be a model name'],
      ['model.partitionBy.0', keyed({ partitionBy: [huge] }), '<=256 characters'],
      ['model.stage', keyed({ stage: huge }), 'expected one of "production"\\|"staging"'],
      ['model.fallback.model', keyed({ fallback: { model: huge } }), 'at most 200 characters$'],
      ['output.container', { ...good, output: { container: huge } }, 'is not a valid container name$'],
      ['output.prefix', { ...good, output: { prefix: huge } }, '<=1024 characters'],
      ['output.format', { ...good, output: { format: huge } }, 'expected one of'],
      ['output.passThrough.0', { ...good, output: { passThrough: [huge] } }, '<=256 characters'],
    ] as const
  ).map(([field, body, message]): [string, unknown, Expected] => [
    `a 100,000-character ${field}`,
    body,
    bad(field, spec(field, message)),
  ]),
];

describe('job specs (POST /api/jobs)', () => {
  it.each(specCases)('%s', async (what, body, expected) => {
    await expectAnswer(await call('POST', 'jobs', body), expected, what);
  });
});

// [what, spec, the reason the job fails with]
const failedJobCases: [string, unknown, RegExp][] = [
  [
    'an input that does not exist',
    { ...good, input: { blob: 'missing/nothing.csv' } },
    /^Input blob [a-z0-9]+\/missing\/nothing\.csv does not exist\.$/,
  ],
  [
    'an input name with a leading slash',
    { ...good, input: { blob: '/diabetes.csv' } },
    /^Input blob [a-z0-9]+\/\/diabetes\.csv does not exist\.$/,
  ],
  [
    'a comma file read with ";"',
    { ...good, input: { blob: 'diabetes.csv', delimiter: ';' } },
    /needs column\(s\) missing from the data: age, sex, bmi, .* \(the data has 1 column\)$/,
  ],
  [
    'a pass-through column the input lacks',
    { ...good, output: { passThrough: ['id'] } },
    /^output\.passThrough names column\(s\) the input does not have: id\.$/,
  ],
  [
    'an unknown model',
    { ...good, model: 'no-such-model' },
    /^Model "no-such-model" is not registered and is not a bundled model \(bundled: diabetes, fns-candy, sensor-anomaly\)\.$/,
  ],
  [
    'a version that does not exist',
    { ...good, model: 'diabetes@999' },
    /^Model "diabetes" has no version 999 \(latest: 1\)\.$/,
  ],
  [
    'a stage with no version in it',
    { ...good, model: 'diabetes@staging' },
    /^Model "diabetes" has no staging version\.$/,
  ],
  [
    'a keyed model that does not exist',
    keyed({ name: 'no-such-model', partitionBy: ['age'] }),
    /^Model "no-such-model" is not registered\.$/,
  ],
  [
    'a keyed model by a column the input lacks',
    keyed({ name: 'progression', partitionBy: ['Store'] }),
    /^model\.partitionBy names column\(s\) the input does not have: Store \(the input has 11 columns\)\.$/,
  ],
];

describe('specs whose job fails on its input or model', () => {
  it.each(failedJobCases)('%s', async (what, body, reason) => {
    const answer = await call('POST', 'jobs', body);
    checks.expectClean(answer.text, what);
    expect(answer.status).toBe(202);
    const job = await harness.waitForJob((JSON.parse(answer.text) as { id: string }).id);
    checks.expectClean(JSON.stringify(job), what);
    expect({ status: job.status, reason: job.reason }).toEqual({
      status: 'Failed',
      reason: expect.stringMatching(reason),
    });
    await checks.expectHealthy();
  });
});

const badReference =
  /must be a model reference: name, name@<version> or name@<stage> \(after "@" give a version \(a positive integer\), latest, production or staging\)$/;
const badName =
  /must be a model reference: .*\(the name must be letters, digits, "\.", "_" or "-", starting with a letter or digit \(at most 128 characters\)\)$/;

const modelReferenceCases: [string, unknown, Expected][] = [
  ['diabetes@-1', { ...good, model: 'diabetes@-1' }, bad('model', badReference)],
  ['diabetes@0', { ...good, model: 'diabetes@0' }, bad('model', badReference)],
  ['@0', { ...good, model: '@0' }, bad('model', badName)],
  ['x@', { ...good, model: 'x@' }, bad('model', badReference)],
  ['a@b@c', { ...good, model: 'a@b@c' }, bad('model', badReference)],
  ['diabetes@1.5', { ...good, model: 'diabetes@1.5' }, bad('model', badReference)],
  [
    'a 30-digit version',
    { ...good, model: 'diabetes@123456789012345678901234567890' },
    bad('model', badReference),
  ],
  ['a stage that does not exist', { ...good, model: 'diabetes@canary' }, bad('model', badReference)],
  ['a stage that holds many versions', { ...good, model: 'diabetes@archived' }, bad('model', badReference)],
  ['a 129-character name', { ...good, model: 'm'.repeat(129) }, bad('model', badName)],
  [
    'a 5,000-character name',
    { ...good, model: 'm'.repeat(5000) },
    bad('model', /^Job spec field "model": must be a model reference of at most 200 characters$/),
  ],
  ['a name with a slash', { ...good, model: 'a/b' }, bad('model', badName)],
  ['a name of ".."', { ...good, model: '..' }, bad('model', badName)],
  [
    'a number as model',
    { ...good, model: 7 },
    bad(
      'model',
      /^Job spec field "model": must be a model reference \(name, name@<version\|stage>\) or \{ name, partitionBy \}$/,
    ),
  ],
  [
    'a keyed model with a version',
    keyed({ name: 'oj-sales@3' }),
    bad('model.name', /must be a model name \(no @version: each key has its own\)$/),
  ],
  [
    'a keyed fallback a@b@c',
    keyed({ fallback: { model: 'a@b@c' } }),
    bad('model.fallback.model', badReference),
  ],
  [
    'a keyed model without partition columns',
    keyed({ partitionBy: [] }),
    bad('model.partitionBy', spec('model.partitionBy', '>=1 items')),
  ],
  [
    'a keyed model by a column twice',
    keyed({ partitionBy: ['Store', 'Store'] }),
    bad('model.partitionBy', /must not name a column twice$/),
  ],
  [
    'a keyed model in a stage that does not exist',
    keyed({ stage: 'canary' }),
    bad('model.stage', spec('model.stage', 'expected one of "production"\\|"staging"')),
  ],
];

describe('model references in job specs', () => {
  it.each(modelReferenceCases)('%s', async (what, body, expected) => {
    await expectAnswer(await call('POST', 'jobs', body), expected, what);
  });
});

const badVersion = /^Version ".*": give a version number, latest, production or staging\.$/;
const badModelName =
  /^Model name ".*": use letters, digits, "\.", "_" or "-", starting with a letter or digit \(at most 128 characters\)\.$/;

// [what, method, path under /api/, body, the answer]
const urlCases: [string, string, string, unknown, Expected][] = [
  [
    'a version that is not a number',
    'GET',
    'models/progression/versions/abc',
    undefined,
    bad('version', badVersion),
  ],
  ['version 1.5', 'GET', 'models/progression/versions/1.5', undefined, bad('version', badVersion)],
  ['version 0', 'GET', 'models/progression/versions/0', undefined, bad('version', badVersion)],
  ['version -1', 'GET', 'models/progression/versions/-1', undefined, bad('version', badVersion)],
  [
    'a 30-digit version',
    'GET',
    'models/progression/versions/123456789012345678901234567890',
    undefined,
    bad('version', badVersion),
  ],
  [
    'a version that does not exist',
    'GET',
    'models/progression/versions/9',
    undefined,
    notFound(/^Model "progression" has no version 9 \(latest: 1\)\.$/),
  ],
  [
    'a stage with no version in it',
    'GET',
    'models/progression/versions/staging',
    undefined,
    notFound(/^Model "progression" has no staging version\.$/),
  ],
  [
    'a version of an unknown model',
    'GET',
    'models/no-such-model/versions/1',
    undefined,
    notFound(/^Model "no-such-model" is not registered\.$/),
  ],
  [
    'a 5,000-character model name',
    'GET',
    `models/${'m'.repeat(5000)}`,
    undefined,
    bad('name', /^Model name "m{40}\.\.\.": .*\(at most 128 characters\)\.$/),
  ],
  ['a model name with "@"', 'GET', 'models/a@b/versions/1', undefined, bad('name', badModelName)],
  [
    'an encoded "/" in the model name',
    'GET',
    'models/a%2Fb/versions/1',
    undefined,
    bad('name', badModelName),
  ],
  [
    'an encoded "../.." as the model name',
    'GET',
    'models/%2E%2E%2F%2E%2E/versions/1',
    undefined,
    bad('name', badModelName),
  ],
  ['a model name of ".."', 'GET', 'models/../versions/1', undefined, notFound('no body')],
  [
    'a stage change to a stage that does not exist',
    'POST',
    'models/progression/stage',
    { version: 1, stage: 'Live', reason: 'r' },
    bad('stage', /^Unknown stage "Live"; use one of None, Staging, Production, Archived\.$/),
  ],
  [
    'a stage change with the version as a string',
    'POST',
    'models/progression/stage',
    { version: '1', stage: 'Production', reason: 'r' },
    bad('version', /^"version" must be a version number \(a positive integer\)\.$/),
  ],
  [
    'a stage change with version 1e300',
    'POST',
    'models/progression/stage',
    { version: 1e300, stage: 'Production', reason: 'r' },
    bad('version', /must be a version number/),
  ],
  [
    'a stage change of a model that does not exist',
    'POST',
    'models/no-such-model/stage',
    { version: 1, stage: 'Production', reason: 'r' },
    notFound(/^Model "no-such-model" is not registered\.$/),
  ],
];

describe('model references in URLs', () => {
  it.each(urlCases)('%s', async (what, method, path, body, expected) => {
    await expectAnswer(await call(method, path, body), expected, what);
  });
});

const noJob = (id: string) => notFound(new RegExp(`^No job with id '${id}'\\.$`));

const jobIdCases: [string, string, string, Expected][] = [
  ['an unknown job id', 'GET', 'jobs/job-nope', noJob('job-nope')],
  ['a job id with "/"', 'GET', 'jobs/a%2Fb', noJob('a/b')],
  ['a job id with "#"', 'GET', 'jobs/a%23b', noJob('a#b')],
  ['a job id with "?"', 'GET', 'jobs/a%3Fb', noJob('a\\?b')],
  ['a job id with a control character', 'GET', 'jobs/a%01b', noJob('a\u0001b')],
  ['a 5,000-character job id', 'GET', `jobs/${'j'.repeat(5000)}`, noJob('j{40}\\.\\.\\.')],
  ['a cancel of a job id with "/"', 'POST', 'jobs/a%2Fb/cancel', noJob('a/b')],
  [
    'a job list with top=1e300',
    'GET',
    'jobs?top=1e300',
    bad('top', /^top must be a whole number from 1 to 1000\.$/),
  ],
  [
    'a job list with status=%00',
    'GET',
    'jobs?status=%00',
    bad('status', /^Unknown status .; use Queued, Running, Committing, /),
  ],
];

describe('job ids in URLs', () => {
  it.each(jobIdCases)('%s', async (what, method, path, expected) => {
    await expectAnswer(await call(method, path), expected, what);
  });
});

const cardHeader = (card: unknown) => Buffer.from(JSON.stringify(card)).toString('base64');
const octets = (bytes: Buffer, card?: string): [Buffer, Record<string, string>] => [
  bytes,
  { 'content-type': 'application/octet-stream', ...(card === undefined ? {} : { 'x-model-card': card }) },
];
const asJson = (body: unknown): [unknown, Record<string, string>] => [body, {}];
const notLoaded = /^Model "upload" cannot be loaded by onnxruntime: ./;

// [what, model name in the route, [body, headers], the answer]
const uploadCases: [string, string, [unknown, Record<string, string>], Expected][] = [
  ['an empty body', 'upload', octets(Buffer.alloc(0)), bad('onnx', /^The model file is empty\.$/)],
  [
    'bytes that are not ONNX',
    'upload',
    octets(Buffer.from('this is not an onnx model')),
    bad('onnx', notLoaded),
  ],
  ['a truncated ONNX file', 'upload', octets(diabetesOnnx.subarray(0, 200)), bad('onnx', notLoaded)],
  ['a model that needs custom operators', 'upload', octets(superresOnnx), bad('onnx', notLoaded)],
  [
    'a card header that is not base64',
    'upload',
    octets(diabetesOnnx, '%%% not base64 %%%'),
    bad('x-model-card', /^The x-model-card header must be the card JSON, base64-encoded\.$/),
  ],
  [
    'a card header that is not JSON',
    'upload',
    octets(diabetesOnnx, Buffer.from('{"features": [').toString('base64')),
    bad('x-model-card', /base64-encoded\.$/),
  ],
  [
    'a card header over the host header limit',
    'upload',
    octets(diabetesOnnx, cardHeader({ description: 'd'.repeat(20_000) })),
    { status: 431, error: 'no body' },
  ],
  [
    'a card that is an array',
    'upload',
    octets(diabetesOnnx, cardHeader([1])),
    bad('card', /^The model card must be a JSON object\.$/),
  ],
  [
    'a card whose features are a string',
    'upload',
    octets(diabetesOnnx, cardHeader({ features: 'age' })),
    bad('card.features', /^Model card for upload: field "features": /),
  ],
  [
    'a card whose metrics are text',
    'upload',
    octets(diabetesOnnx, cardHeader({ metrics: { r2: 'high' } })),
    bad('card.metrics.r2', /field "metrics\.r2"/),
  ],
  [
    'a card with an unknown task',
    'upload',
    octets(diabetesOnnx, cardHeader({ task: 'clustering' })),
    bad('card.task', /field "task"/),
  ],
  [
    'a card with 1,000 nested arrays as a tag',
    'upload',
    octets(diabetesOnnx, Buffer.from(nested({ tags: { a: 'NESTED' } }, 1000)).toString('base64')),
    bad('card.tags.a', /field "tags\.a"/),
  ],
  [
    'a card naming three features for a model of ten',
    'upload',
    octets(diabetesOnnx, cardHeader({ features: ['age', 'sex', 'bmi'] })),
    bad('card.features', /^Model "upload" input "input" takes 10 features but its card lists 3$/),
  ],
  [
    'a card naming inputs the model lacks',
    'upload',
    octets(diabetesOnnx, cardHeader({ inputs: [{ name: 'pixels', columns: ['a'] }] })),
    bad(
      'card.inputs',
      /^Model "upload": inputs not in its card: input; card inputs the model lacks: pixels$/,
    ),
  ],
  [
    'a card naming outputs the model lacks',
    'upload',
    octets(diabetesOnnx, cardHeader({ outputs: ['probability'] })),
    bad(
      'card.outputs',
      /^Model "upload" card output "probability": the model has no such output \(outputs: variable\)$/,
    ),
  ],
  [
    'a card naming another model',
    'upload',
    octets(diabetesOnnx, cardHeader({ name: 'other' })),
    bad('card.name', /names model "other"/),
  ],
  [
    'a card with a wrong SHA-256',
    'upload',
    octets(diabetesOnnx, cardHeader({ sha256: '0'.repeat(64) })),
    bad('card.sha256', /wrong card or file\.$/),
  ],
  [
    'JSON that is an array',
    'upload',
    asJson([1]),
    bad('(body)', /^The request body must be a JSON object\.$/),
  ],
  [
    'JSON with onnxBase64 as a number',
    'upload',
    asJson({ onnxBase64: 42 }),
    bad(
      'onnxBase64',
      /^"onnxBase64" must hold the model file, base64-encoded \(or give "blob": "<container>\/<path>" of an uploaded file\)\.$/,
    ),
  ],
  [
    'JSON with onnxBase64 that is not base64',
    'upload',
    asJson({ onnxBase64: '%%% not base64 %%%' }),
    bad(
      'onnxBase64',
      /^"onnxBase64" must hold the model file, base64-encoded \(or give "blob": "<container>\/<path>" of an uploaded file\)\.$/,
    ),
  ],
  [
    'JSON with base64 of bytes that are not ONNX',
    'upload',
    asJson({ onnxBase64: Buffer.from('not onnx').toString('base64') }),
    bad('onnx', notLoaded),
  ],
  [
    'JSON with a card that is a string',
    'upload',
    asJson({ onnxBase64: diabetesOnnx.toString('base64'), card: 'diabetes' }),
    bad('card', /^The model card must be a JSON object\.$/),
  ],
  ['a name starting with ".."', '..upload', octets(diabetesOnnx), bad('name', badModelName)],
  ['an encoded "/" in the name', 'a%2Fb', octets(diabetesOnnx), bad('name', badModelName)],
  [
    'a 129-character name',
    'n'.repeat(129),
    octets(diabetesOnnx),
    bad('name', /^Model name "n{40}\.\.\.": .*\(at most 128 characters\)\.$/),
  ],
  ['the name ".."', '..', octets(diabetesOnnx), notFound('no body')],
  ['an encoded ".." as the name', '%2E%2E', octets(diabetesOnnx), notFound('no body')],
  [
    'an upload over the body limit',
    'upload',
    octets(Buffer.alloc(bodyLimit + 1)),
    {
      status: 413,
      error:
        /^The request body is larger than the host's limit of .* \(1048576 bytes\)\. .*FUNCTIONS_REQUEST_BODY_SIZE_LIMIT/,
    },
  ],
];

describe('model uploads (POST /api/models/{name}/versions)', () => {
  it.each(uploadCases)('%s', async (what, name, [body, headers], expected) => {
    await expectAnswer(await call('POST', `models/${name}/versions`, body, headers), expected, what);
  });

  it('registered nothing', async () => {
    const answer = await call('GET', 'models');
    expect(answer.status).toBe(200);
    // Only the model registered for the URL cases, and the bundled one the control job registered.
    const names = (JSON.parse(answer.text) as { name: string }[]).map((model) => model.name);
    expect(names.sort()).toEqual(['diabetes', 'progression']);
  });
});

describe('after the corpus', () => {
  it('the control jobs dropped before and after it succeed, and the host is still running', async () => {
    const controlAtEnd = await harness.drop('control/end.csv', diabetesCsv);
    for (const jobId of [controlAtStart, controlAtEnd])
      expect(await harness.waitForJob(jobId)).toMatchObject({
        status: 'Succeeded',
        scoredRows: 442,
        badRows: 0,
      });
    checks.expectAlive();
    await checks.expectHealthy();
  });
});
