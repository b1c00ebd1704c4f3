import { ValidationError } from '../../../../src/errors';
import { formatCsvOutput } from '../../../../src/runtime/formats/formatCsvOutput';
import { parseCsvPartition } from '../../../../src/runtime/formats/parseCsvPartition';
import { planCsvPartitions } from '../../../../src/runtime/formats/planCsvPartitions';
import { InferencePool, type ModelHandle } from '../../../../src/runtime/inference/InferencePool';
import { PoolModelRunner } from '../../../../src/runtime/inference/PoolModelRunner';
import { mapFeatures } from '../../../../src/runtime/inference/mapFeatures';
import { predictBatch } from '../../../../src/runtime/inference/predictBatch';
import { readModelSignature } from '../../../../src/runtime/inference/readModelSignature';
import type { TextPartitionJob } from '../../../../src/runtime/inference/textPartition';
import type { Partition, ScoringSchema } from '../../../../src/runtime/formats/ScoringBatch';
import { chunksOf } from '../formats/formatsTestKit';
import { fixtureModel, weightedSumModel } from './testModels';

const csv = Buffer.from(
  'id,a,b,c\n' +
    'r1,1,2,3\n' +
    'r2,0.5,oops,1\n' + // a bad row: goes to the errors, not the output
    'r3,-1,0,0.25\n' +
    '"r,4",2,2,2\n',
);
const schema: ScoringSchema = { featureColumns: ['a', 'b', 'c'], passThroughColumns: ['id'] };

async function onlyPartition(): Promise<{ header: string[]; partition: Partition }> {
  const plan = await planCsvPartitions(chunksOf(csv, 1 << 20), csv.length, {}, 1 << 20);
  const partition = plan.partitions[0];
  if (plan.partitions.length !== 1 || partition === undefined) throw new Error('expected one partition');
  return { header: plan.header, partition };
}

async function jobFor(
  model: ModelHandle,
  overrides: Partial<TextPartitionJob> = {},
): Promise<TextPartitionJob> {
  const { header, partition } = await onlyPartition();
  const signature = await readModelSignature(model.onnx, model.name);
  return {
    input: { format: 'csv', delimiter: ',' },
    header,
    bytes: Uint8Array.prototype.slice.call(csv, partition.start, partition.end),
    partition,
    schema,
    mapping: mapFeatures(signature, undefined, header, ['a', 'b', 'c']),
    output: { format: 'csv', includeHeader: true, passThroughColumns: ['id'] },
    ...overrides,
  };
}

describe('InferencePool.scoreText: a whole CSV partition parsed, scored and formatted in a worker', () => {
  const pool = new InferencePool({ size: 2 });
  afterAll(() => pool.close());

  it('writes the same bytes as parsing, scoring and formatting on the calling thread', async () => {
    const model = weightedSumModel();
    const job = await jobFor(model);
    const bytes = job.bytes;
    const result = await pool.scoreText(model, job);
    // The range was handed over, not copied.
    expect(bytes.byteLength).toBe(0);

    const batch = parseCsvPartition(csv, job.partition, job.header, schema);
    const predictions = await predictBatch(pool, model, job.mapping, batch.features, batch.rowCount);
    const expected = formatCsvOutput(batch, predictions, { includeHeader: true, passThroughColumns: ['id'] });
    expect(result.output.equals(expected)).toBe(true);

    // y = a + 10·b + 100·c + 0.5, row by row, in input order, the bad row left out.
    const lines = result.output.toString('utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('id,y');
    expect(lines.slice(1).map((line) => Number(line.slice(line.lastIndexOf(',') + 1)))).toEqual([
      321.5, 24.5, 222.5,
    ]);
    expect(lines[3]?.startsWith('"r,4",')).toBe(true);
    expect(result).toMatchObject({ totalRows: 4, rowCount: 3 });
    expect(result.errors).toEqual([expect.objectContaining({ row: 2, field: 'b' })]);
  });

  it('counts and validates only when the job writes no output (summary only)', async () => {
    const model = weightedSumModel();
    const result = await pool.scoreText(
      model,
      await jobFor(model, { output: { format: 'none', includeHeader: true, passThroughColumns: [] } }),
    );
    expect(result.output.length).toBe(0);
    expect(result).toMatchObject({ totalRows: 4, rowCount: 3 });
  });

  it('an input error in the worker comes back as the same error class, naming the column', async () => {
    const model = weightedSumModel();
    const job = await jobFor(model, { schema: { featureColumns: ['a', 'b', 'd'], passThroughColumns: [] } });
    const failure = pool.scoreText(model, job);
    await expect(failure).rejects.toBeInstanceOf(ValidationError);
    await expect(failure).rejects.toThrow(/missing feature column\(s\): d /);
  });

  it('resends model and bytes when its worker evicted the session', async () => {
    const evicting = new InferencePool({ size: 1, maxSessionsPerWorker: 1 });
    try {
      const a = weightedSumModel();
      const b = weightedSumModel(1); // fixed batch size 1: another model, run row by row
      for (let round = 0; round < 2; round++) {
        for (const model of [a, b]) {
          const result = await evicting.scoreText(model, await jobFor(model));
          expect(result.rowCount).toBe(3);
          expect(result.output.toString('utf8')).toContain('r1,321.5\n');
        }
      }
    } finally {
      await evicting.close();
    }
  });

  it('a model that fails to load is a ValidationError naming it', async () => {
    const broken = { ...fixtureModel('linear_regressor'), key: 'broken', onnx: Buffer.from('not onnx') };
    const job = await jobFor(weightedSumModel());
    await expect(pool.scoreText(broken, job)).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('PoolModelRunner.scoreTextPartition', () => {
  it('reads at most one partition more than there are workers at a time; the rest wait unread', async () => {
    const pool = new InferencePool({ size: 1 });
    const runner = new PoolModelRunner(pool);
    try {
      const handle = weightedSumModel();
      const model = { name: handle.name, version: 1, sha256: handle.key, onnx: Buffer.from(handle.onnx) };
      let started = 0;
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const scored = Array.from({ length: 6 }, () =>
        runner.scoreTextPartition(model, async () => {
          started++;
          await gate;
          return jobFor(handle);
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      // One worker: one partition being read for it and one read ahead; four not read at all.
      expect(started).toBe(2);
      open();
      expect((await Promise.all(scored)).map((result) => result.rowCount)).toEqual([3, 3, 3, 3, 3, 3]);
      expect(started).toBe(6);
    } finally {
      await pool.close();
    }
  });
});

describe('InferencePool.inspect', () => {
  const pool = new InferencePool({ size: 1 });
  afterAll(() => pool.close());

  it("reads a model's signature in a worker, which keeps the session for the model's runs", async () => {
    const model = weightedSumModel();
    const signature = await pool.inspect(model);
    expect(signature.inputs).toEqual([
      { name: 'x', isTensor: true, elementType: 'float32', shape: ['N', 3] },
    ]);
    expect(signature.outputs.map((output) => output.name)).toEqual(['y']);
    // The session is cached: a run that does not send the bytes again still works.
    const run = await pool.run(
      { ...model, onnx: new Uint8Array(0) },
      { x: { data: Float32Array.of(1, 1, 1), dims: [1, 3] } },
      ['y'],
    );
    expect(Array.from(run.y?.data as Float32Array)).toEqual([111.5]);
  });

  it('a file onnxruntime cannot load is a ValidationError with the reason', async () => {
    const broken = { key: 'not-onnx', name: 'broken', onnx: Buffer.from('not onnx') };
    await expect(pool.inspect(broken)).rejects.toThrow(/^Model "broken" cannot be loaded by onnxruntime: /);
  });
});
