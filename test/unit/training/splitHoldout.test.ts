import { splitHoldout } from '../../../src/training/splitHoldout';
import { selectRows, type TrainingTable } from '../../../src/training/TrainingTable';

describe('splitHoldout', () => {
  it('holds out the rounded share of rows, disjoint from the training rows, both ascending', () => {
    const { train, holdout } = splitHoldout(442, { fraction: 0.2, seed: 1 });
    expect(holdout).toHaveLength(88);
    expect(train).toHaveLength(354);
    expect([...train, ...holdout].sort((a, b) => a - b)).toEqual(Array.from({ length: 442 }, (_, r) => r));
    expect(holdout).toEqual([...holdout].sort((a, b) => a - b));
    expect(train).toEqual([...train].sort((a, b) => a - b));
  });

  it('is deterministic for a seed, differs between seeds, and spreads over the whole file', () => {
    const first = splitHoldout(1000, { fraction: 0.25, seed: 7 });
    expect(splitHoldout(1000, { fraction: 0.25, seed: 7 })).toEqual(first);
    const other = splitHoldout(1000, { fraction: 0.25, seed: 8 });
    const shared = other.holdout.filter((r) => first.holdout.includes(r)).length;
    // Independent 25% samples share about a quarter of their rows.
    expect(shared).toBeGreaterThan(30);
    expect(shared).toBeLessThan(100);
    for (let quarter = 0; quarter < 4; quarter++) {
      const inQuarter = first.holdout.filter((r) => Math.floor(r / 250) === quarter).length;
      expect(inQuarter).toBeGreaterThan(40);
      expect(inQuarter).toBeLessThan(85);
    }
  });

  it('gives rows that selectRows takes out of a table', () => {
    const table: TrainingTable = {
      columns: ['x', 'name'],
      values: [Float64Array.of(10, 11, 12, 13), ['a', 'b', 'c', null]],
      rows: 4,
    };
    const { holdout } = splitHoldout(4, { fraction: 0.5, seed: 3 });
    const part = selectRows(table, holdout);
    expect(part.rows).toBe(2);
    expect(Array.from(part.values[0] as Float64Array)).toEqual(holdout.map((r) => 10 + r));
    expect(part.values[1]).toEqual(holdout.map((r) => (table.values[1] as (string | null)[])[r]));
  });

  it.each([
    [0, 100, 'The holdout fraction must be between 0 and 1 (got 0)'],
    [1, 100, 'The holdout fraction must be between 0 and 1 (got 1)'],
    [0.1, 4, 'A holdout of 0.1 of 4 rows leaves no holdout rows'],
    [0.9, 4, 'A holdout of 0.9 of 4 rows leaves no training rows'],
  ])('refuses fraction %p of %p rows', (fraction, rows, message) => {
    expect(() => splitHoldout(rows, { fraction })).toThrow(message);
  });

  it('refuses a seed that is not an integer', () => {
    expect(() => splitHoldout(10, { fraction: 0.5, seed: 1.5 })).toThrow(
      'The holdout seed must be an integer (got 1.5)',
    );
  });
});
