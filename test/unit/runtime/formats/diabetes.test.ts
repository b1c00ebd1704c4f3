import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsvPartition } from '../../../../src/runtime/formats/parseCsvPartition';
import { planCsvPartitions } from '../../../../src/runtime/formats/planCsvPartitions';
import { readCsvHeader } from '../../../../src/runtime/formats/readCsvHeader';
import { chunksOf } from './formatsTestKit';

const bytes = readFileSync(join(__dirname, '../../../fixtures/data/diabetes.csv'));
const features = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'];
const schema = { featureColumns: features, passThroughColumns: ['target'] };

/** The file split the naive way (it has no quotes), as the reference. */
const naiveRows = bytes
  .toString('utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(','));

describe('the scikit-learn diabetes data set', () => {
  it('has the expected header', () => {
    expect(readCsvHeader(bytes.subarray(0, 256))).toEqual([...features, 'target']);
  });

  it('plans and parses all 442 rows in small partitions, in order, with the values of a naive parse', async () => {
    const plan = await planCsvPartitions(chunksOf(bytes, 1000), bytes.length, {}, 2048);
    expect(plan.totalRows).toBe(442);
    expect(plan.partitions.length).toBeGreaterThanOrEqual(8);
    const rowNumbers: number[] = [];
    const values: number[] = [];
    const targets: string[] = [];
    for (const partition of plan.partitions) {
      const batch = parseCsvPartition(
        bytes.subarray(partition.start, partition.end),
        partition,
        plan.header,
        schema,
      );
      expect(batch.errors).toEqual([]);
      rowNumbers.push(...batch.rowNumbers);
      values.push(...batch.features);
      targets.push(...batch.passThrough[0]!);
    }
    expect(rowNumbers).toEqual(Array.from({ length: 442 }, (_, i) => i + 1));
    expect(values).toEqual(
      naiveRows.flatMap((row) => row.slice(0, 10).map((text) => Math.fround(Number(text)))),
    );
    expect(targets).toEqual(naiveRows.map((row) => row[10]));
    expect(values.slice(0, 10)).toEqual([59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87].map(Math.fround));
  });
});
