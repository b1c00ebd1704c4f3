import { readFileSync } from 'node:fs';
import type { ImageInput } from '../../src/runtime/images/ImageInput';
import { planImageInput } from '../../src/runtime/images/planImageInput';
import { topClasses } from '../../src/runtime/images/topClasses';
import type { JobRecord } from '../../src/scoring/JobStore';
import { noAutoScoreMetadata } from '../../src/scoring/startJobForDrop';
import { colourClassifierOnnx, gradientImage, referenceImageScores } from '../support/imageReference';
import { ScoringHarness } from '../support/scoringHarness';
import { hostSecrets, uniqueName } from '../support/testStorage';

// Image batch scoring through the jobs API on the real host: a folder of generated PNG and JPEG images
// classified by light squeezenet (registered with a label file), compared with onnxruntime run directly.

const modelPath = 'test/fixtures/models/light-squeezenet/light_squeezenet.onnx';
const image = { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
const labels = Array.from({ length: 1000 }, (_, i) => `class ${i}, "n${String(i).padStart(4, '0')}"`);
const harness = new ScoringHarness({
  MODEL_REGISTRY_TABLE: uniqueName('imgreg'),
  MODEL_REGISTRY_CONTAINER: uniqueName('imgreg'),
});
let masterKey: string;

function api(path: string, init: RequestInit = {}): Promise<Response> {
  return harness.host.fetch(`/api/${path}`, {
    ...init,
    headers: { 'x-functions-key': masterKey, 'content-type': 'application/json', ...init.headers },
  });
}
const post = (path: string, body: unknown) => api(path, { method: 'POST', body: JSON.stringify(body) });

async function upload(name: string, bytes: Buffer | string): Promise<void> {
  const container = await harness.storage.ensureContainer(harness.input);
  await container.getBlockBlobClient(name).uploadData(Buffer.from(bytes), { metadata: noAutoScoreMetadata });
}

async function runJob(spec: unknown): Promise<JobRecord> {
  const response = await post('jobs', spec);
  expect(response.status).toBe(202);
  return harness.waitForJob(((await response.json()) as { id: string }).id, 60_000);
}

const photos = [
  { name: 'photos/a.png', make: () => gradientImage(300, 200, 1, 'png') },
  { name: 'photos/b.jpg', make: () => gradientImage(64, 128, 2, 'jpeg') },
  { name: 'photos/bad.jpg', make: () => Promise.resolve(Buffer.from('this is no JPEG')) },
  { name: 'photos/c.png', make: () => gradientImage(224, 224, 5, 'png') },
  { name: 'photos/d.jpeg', make: () => gradientImage(500, 300, 9, 'jpeg') },
];
const images: { name: string; bytes: Buffer }[] = [];

beforeAll(async () => {
  await harness.start();
  masterKey = (await hostSecrets(harness.host.hostId)).masterKey.value;
  for (const photo of photos) images.push({ name: photo.name, bytes: await photo.make() });
  await Promise.all(images.map((i) => upload(i.name, i.bytes)));
  await upload('photos/readme.txt', 'not an image: left alone');
  await upload('labels/squeezenet.txt', `${labels.join('\r\n')}\r\n`);
});

afterAll(async () => {
  await harness.host?.stop();
});

describe('image classification jobs', () => {
  it('registers a classifier with its label file', async () => {
    const response = await post('models/squeezenet/versions', {
      card: { image, description: 'light squeezenet' },
      onnxBase64: readFileSync(modelPath).toString('base64'),
      labels: `${harness.input}/labels/squeezenet.txt`,
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { version: number; card: { labels: string[] } };
    expect(body.version).toBe(1);
    expect(body.card.labels).toEqual(labels);
  });

  it('classifies every image as onnxruntime does directly; a corrupt image is an error row by name', async () => {
    const job = await runJob({
      input: { prefix: 'photos/' },
      model: 'squeezenet',
      output: { topK: 3 },
      imagesPerPartition: 2,
    });
    expect(job).toMatchObject({ status: 'PartiallySucceeded', scoredRows: 4, badRows: 1, partitions: 3 });
    const good = images.filter((i) => !i.name.endsWith('bad.jpg'));
    const plan = planImageInput(
      'squeezenet',
      [{ name: 'data_0', isTensor: true, elementType: 'float32', shape: [1, 3, 224, 224] }],
      image,
    );
    const expected = await referenceImageScores(modelPath, plan, good);
    const lines = (await harness.readOutput(job.output!)).toString().trimEnd().split('\n');
    expect(lines[0]).toBe('path,rank,label,index,score');
    const rows = lines.slice(1).map(parseRow);
    expect(rows.map((r) => `${r.path} ${r.rank}`)).toEqual(
      good.flatMap((i) => [1, 2, 3].map((k) => `${i.name} ${k}`)),
    );
    good.forEach((i, n) => {
      const top = topClasses(expected[n]!, 0, 1000, 3);
      const actual = rows.filter((r) => r.path === i.name);
      expect(actual.map((r) => [r.index, r.label])).toEqual(top.map((t) => [t.index, labels[t.index]]));
      actual.forEach((r, k) => expect(r.score).toBeCloseTo(top[k]!.score, 7));
    });
    // Light squeezenet scores every class 0.001 whatever the picture: the colour model below is the
    // comparison that depends on the pixels.

    const errors = (await harness.readOutput(`${harness.output}/${job.jobId}/_errors.jsonl`)).toString();
    expect(
      errors
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([
      {
        file: `${harness.input}/photos/bad.jpg`,
        row: 3,
        field: null,
        reason: expect.stringMatching(/^Image photos\/bad\.jpg cannot be decoded: /) as unknown,
      },
    ]);
    const manifest = JSON.parse((await harness.readOutput(job.manifest!)).toString()) as {
      model: { sha256: string };
      partitions: { rows: number }[];
    };
    expect(manifest).toMatchObject({
      status: 'PartiallySucceeded',
      model: {
        name: 'squeezenet',
        version: 1,
        image: { layout: 'NCHW', width: 224, height: 224, topK: 3, output: 'softmaxout_1' },
      },
      input: { container: harness.input, blob: 'photos/', format: 'images' },
      output: { format: 'csv', passThroughColumns: ['path', 'rank', 'label', 'index', 'score'] },
      rows: { total: 5, scored: 4, bad: 1 },
      errors: `${job.jobId}/_errors.jsonl`,
    });
    expect(manifest.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.partitions.map((p) => p.rows)).toEqual([2, 2, 1]);
  });

  it('classifies with a uint8 NHWC model of dynamic size as onnxruntime does, written as JSON Lines', async () => {
    const onnx = colourClassifierOnnx();
    const card = {
      image: { width: 40, height: 30, resize: 'contain' },
      labels: ['red', 'green', 'blue', 'dark'],
    };
    const registered = await post('models/colours/versions', {
      card,
      onnxBase64: Buffer.from(onnx).toString('base64'),
    });
    expect(registered.status).toBe(201);
    const job = await runJob({
      input: { prefix: 'photos/' },
      model: 'colours@1',
      output: { format: 'jsonl', topK: 2 },
    });
    expect(job).toMatchObject({ status: 'PartiallySucceeded', scoredRows: 4, badRows: 1 });
    expect(job.output).toMatch(/predictions\.jsonl$/);
    const good = images.filter((i) => !i.name.endsWith('bad.jpg'));
    const inputs = [{ name: 'pixels', isTensor: true, elementType: 'uint8', shape: ['N', 'H', 'W', 3] }];
    const expected = await referenceImageScores(
      onnx,
      planImageInput('colours', inputs, card.image as ImageInput),
      good,
    );
    const rows = (await harness.readOutput(job.output!))
      .toString()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Row);
    expect(
      rows.map((row) => ({ path: row.path, rank: row.rank, label: row.label, index: row.index })),
    ).toEqual(
      good.flatMap((i, n) =>
        topClasses(expected[n]!, 0, 4, 2).map((top, k) => ({
          path: i.name,
          rank: k + 1,
          label: card.labels[top.index],
          index: top.index,
        })),
      ),
    );
    good.forEach((_, n) =>
      topClasses(expected[n]!, 0, 4, 2).forEach((top, k) =>
        expect(rows[n * 2 + k]!.score).toBeCloseTo(top.score, 7),
      ),
    );
    expect(new Set(rows.filter((r) => r.rank === 1).map((r) => r.label)).size).toBeGreaterThan(1);
  });

  it('a model that cannot classify images fails the job with the reason', async () => {
    const job = await runJob({ input: { prefix: 'photos/' }, model: 'diabetes' });
    expect(job.status).toBe('Failed');
    expect(job.reason).toMatch(
      /^Model diabetes@1 cannot classify images: Model "diabetes" input "\w+" has shape \[.*\]: an image input is /,
    );
  });

  it('a model that needs custom operators is refused at registration, naming the file', async () => {
    const response = await post('models/superres/versions', {
      card: { image: { width: 224, height: 224 } },
      onnxBase64: readFileSync('test/fixtures/models/negative/superres_prepost_op18.onnx').toString('base64'),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; field: string };
    expect(body.field).toBe('onnx');
    expect(body.error).toMatch(/^Model "superres" cannot be loaded by onnxruntime: .*DecodeImage/);
  });

  it.each([
    [
      { input: { prefix: 'photos/' }, model: 'squeezenet', output: { format: 'parquet' } },
      'output.format',
      /write their classification rows as csv or jsonl/,
    ],
    [{ input: { prefix: 'photos/', blob: 'a.png' }, model: 'squeezenet' }, 'input.prefix', /not both/],
    [
      { input: { blob: 'a.csv' }, model: 'squeezenet', output: { topK: 3 } },
      'output.topK',
      /applies to image jobs \(input.prefix\) only/,
    ],
    [
      { input: { prefix: 'photos/' }, model: { name: 'squeezenet', partitionBy: ['x'] } },
      'model',
      /takes one model reference/,
    ],
  ])('a bad image job spec is 400 naming the field (%#)', async (spec, field, message) => {
    const response = await post('jobs', spec);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; field: string };
    expect(body.field).toBe(field);
    expect(body.error).toMatch(message);
  });

  it('input.blob with format "images" classifies that one image', async () => {
    const job = await runJob({
      input: { blob: 'photos/a.png', format: 'images' },
      model: 'squeezenet',
      output: { topK: 2 },
    });
    expect(job).toMatchObject({ status: 'Succeeded', totalRows: 1, scoredRows: 1 });
    const lines = (await harness.readOutput(job.output!)).toString().trimEnd().split('\n');
    expect(lines.slice(1).map((line) => parseRow(line).path)).toEqual(['photos/a.png', 'photos/a.png']);
  });

  it('a prefix with no images fails the job saying so', async () => {
    const job = await runJob({ input: { prefix: 'labels/' }, model: 'squeezenet' });
    expect(job.status).toBe('Failed');
    expect(job.reason).toMatch(/^Input [a-z0-9]+\/labels\/\* holds no images \(names ending \.jpg/);
  });
});

// After the jobs above: squeezenet is registered by then.
describe('images dropped into the input container', () => {
  const rowsOf = async (job: JobRecord) =>
    (await harness.readOutput(job.output!)).toString().trimEnd().split('\n').slice(1).map(parseRow);

  it('an image whose metadata names an image model is classified alone by its own job', async () => {
    // A name the dropped one is a prefix of: the job reads the one blob, not a prefix of names.
    await upload('drops/e.png.jpg', await gradientImage(50, 40, 4, 'jpeg'));
    const jobId = await harness.drop('drops/e.png', await gradientImage(80, 60, 3, 'png'), {
      model: 'squeezenet',
    });
    const job = await harness.waitForJob(jobId, 60_000);
    expect(job).toMatchObject({ status: 'Succeeded', source: 'blob', scoredRows: 1, totalRows: 1 });
    const rows = await rowsOf(job);
    expect(rows.map((row) => `${row.path} ${row.rank}`)).toEqual(
      [1, 2, 3, 4, 5].map((rank) => `drops/e.png ${rank}`),
    );
  });

  it('an image under a folder named after an image model is classified by it', async () => {
    const jobId = await harness.drop('squeezenet/f.webp', await gradientImage(32, 32, 6, 'webp'));
    const job = await harness.waitForJob(jobId, 60_000);
    expect(job).toMatchObject({ status: 'Succeeded', model: 'squeezenet', scoredRows: 1 });
    expect((await rowsOf(job)).map((row) => row.path)).toEqual(Array(5).fill('squeezenet/f.webp'));
  });

  it('an image that names no model, or a model that is not an image model, is a Failed job saying what to set', async () => {
    const bytes = await gradientImage(32, 32, 7, 'png');
    const [none, tabular] = await Promise.all([
      harness.drop('loose/g.png', bytes),
      harness.drop('loose/h.jpg', bytes, { model: 'diabetes' }),
    ]);
    expect(await harness.waitForJob(none)).toMatchObject({
      status: 'Failed',
      reason:
        'Not scored: it is an image, and the default model does not classify images: set the blob\'s metadata "model" to an image model, or drop it under a folder named after one.',
    });
    expect((await harness.waitForJob(tabular, 60_000)).reason).toMatch(
      /^Model diabetes@1 cannot classify images \(a dropped image: set the blob's metadata "model" to an image model\): /,
    );
  });
});

interface Row {
  path: string;
  rank: number;
  label: string;
  index: number;
  score: number;
}

/** A CSV row of the output: path, rank, label (quoted: it holds a comma and quotes), index, score. */
function parseRow(line: string) {
  const match = /^([^,]+),(\d+),"((?:[^"]|"")*)",(\d+),(.+)$/.exec(line);
  if (!match) throw new Error(`Unexpected output row: ${line}`);
  return {
    path: match[1]!,
    rank: Number(match[2]),
    label: match[3]!.replace(/""/g, '"'),
    index: Number(match[4]),
    score: Number(match[5]),
  };
}
