import { ValidationError } from '../../../src/errors';
import { parseModelCard } from '../../../src/runtime/models/ModelCard';
import { checkTrainingData } from '../../../src/training/checkTrainingData';
import { parseTrainingCsv } from '../../../src/training/retrain/parseTrainingCsv';
import {
  parseRetrainOverrides,
  retrainDeclarationOf,
} from '../../../src/training/retrain/RetrainDeclaration';
import { newRunId, scheduledRunId, scheduleOccurrence } from '../../../src/training/retrain/startRetrain';

describe('run ids', () => {
  const now = new Date('2026-11-22T02:00:00.004Z');

  it('a scheduled run is named by its model and occurrence, so a re-fired timer gets the same id', () => {
    const due = '2026-11-22T02:00:00.000+00:00';
    expect(scheduledRunId('diabetes', scheduleOccurrence(due, now))).toBe(
      'diabetes-scheduled-20261122T020000Z',
    );
    // Fired again two minutes later for the same (past-due) occurrence: the same id.
    const later = new Date('2026-11-22T02:02:13Z');
    expect(scheduledRunId('diabetes', scheduleOccurrence(due, later))).toBe(
      'diabetes-scheduled-20261122T020000Z',
    );
  });

  it('without a status (sub-minute schedules), or with one that is ahead (a start-up run), the second it fired', () => {
    expect(scheduleOccurrence(undefined, now).toISOString()).toBe('2026-11-22T02:00:00.000Z');
    expect(scheduleOccurrence('0001-01-01T00:00:00+00:00', now).toISOString()).toBe(
      '2026-11-22T02:00:00.000Z',
    );
    expect(scheduleOccurrence('2026-11-23T02:00:00+00:00', now).toISOString()).toBe(
      '2026-11-22T02:00:00.000Z',
    );
  });

  it('a requested run has a random suffix', () => {
    expect(newRunId('wine', now, 'a1b2c3')).toBe('wine-20261122T020000Z-a1b2c3');
    expect(newRunId('wine', now)).not.toBe(newRunId('wine', now));
  });
});

describe('parseTrainingCsv', () => {
  it('keeps only the columns asked for, still checking every row has every field', () => {
    const table = parseTrainingCsv('a,b,c\n1,x,3\n4,y,6\n', 'data.csv', ['c', 'a']);
    expect(table.columns).toEqual(['a', 'c']);
    expect(table.values.map((column) => Array.from(column))).toEqual([
      [1, 4],
      [3, 6],
    ]);
    expect(() => parseTrainingCsv('a,b\n1,2\n3\n', 'data.csv', ['a'])).toThrow(
      'data.csv row 2: 1 values for 2 columns (a, b)',
    );
    expect(() => parseTrainingCsv('a,b\n1,2\n', 'data.csv', ['a', 'price'])).toThrow(
      'data.csv has no column "price" (columns: a, b)',
    );
  });

  it('reads blanks around a number, a blank field as a gap, 0 as 0, and trims text', () => {
    const table = parseTrainingCsv('x,y\n 7 ,0\n  ,-0.5\n1e3, b \n', 'data.csv');
    expect(Array.from(table.values[0] as Float64Array)).toEqual([7, NaN, 1000]);
    expect(table.values[1]).toEqual([0, -0.5, 'b']);
  });

  it('keeps gaps and text for the data checks to report instead of stopping at the first', () => {
    const table = parseTrainingCsv('x,y,label\n1,2,a\n,3,b\n4,five,\n', 'data.csv');
    expect(table.columns).toEqual(['x', 'y', 'label']);
    expect(table.rows).toBe(3);
    expect(Array.from(table.values[0] as Float64Array)).toEqual([1, NaN, 4]);
    expect(table.values[1]).toEqual([2, 3, 'five']);
    expect(table.values[2]).toEqual(['a', 'b', null]);
    const report = checkTrainingData(table, {
      features: ['x', 'y'],
      target: 'label',
      targetKind: 'categorical',
    });
    expect(report.checks.filter((check) => check.status === 'failed').map((check) => check.message)).toEqual([
      'Column x has 1 missing values, 33.33% of rows (first in row 2); at most 0% allowed. Fill them or drop those rows at the source, or raise maxMissingFraction.',
      'Column y has 1 non-numeric values (first: "five" in row 3); it must hold numbers. Fix the source or encode the column as numbers.',
      'Column label has 1 missing values, 33.33% of rows (first in row 3); at most 0% allowed. Fill them or drop those rows at the source, or raise maxMissingFraction.',
    ]);
  });

  it.each([
    ['', 'data.csv is empty: it needs a header line and data rows.'],
    ['a,b\n1,2\n3\n', 'data.csv row 2: 1 values for 2 columns (a, b)'],
  ])('%j is refused', (text, message) => {
    expect(() => parseTrainingCsv(text, 'data.csv')).toThrow(new ValidationError(message));
  });
});

describe('the retraining declaration', () => {
  const card = (retraining: unknown) => parseModelCard({ name: 'm', version: 1, retraining }, 'm/model.json');

  it('is undefined for a card without one, and parsed when it is there', () => {
    expect(retrainDeclarationOf(card(undefined), 'm@1')).toBeUndefined();
    expect(
      retrainDeclarationOf(card({ source: { blob: 'training/m.csv' }, policy: { floor: 0.5 } }), 'm@1'),
    ).toEqual({ source: { blob: 'training/m.csv' }, policy: { floor: 0.5 } });
  });

  it.each([
    [{ source: { file: '../secrets.csv' } }, 'retraining.source.file', /must be a relative path/],
    [{ source: { blob: 'no-container' } }, 'retraining.source.blob', /container\/path/],
    [{ source: { file: 'a.csv' }, policy: { metric: 'f1' } }, 'retraining.policy.metric', /Invalid option/],
    [{ source: { file: 'a.csv' }, holdout: { fraction: 1 } }, 'retraining.holdout.fraction', /Too big/],
  ])('%j is a ValidationError naming the field', (declaration, field, message) => {
    let thrown: unknown;
    try {
      retrainDeclarationOf(card(declaration), 'm@1');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).details.field).toBe(field);
    expect((thrown as ValidationError).message).toMatch(message);
  });

  it('a run request may override the policy, holdout and penalties, nothing else', () => {
    expect(parseRetrainOverrides(undefined)).toEqual({});
    expect(parseRetrainOverrides({ alphas: [10], holdout: { seed: 4 } })).toEqual({
      alphas: [10],
      holdout: { seed: 4 },
    });
    expect(() => parseRetrainOverrides({ source: { file: 'other.csv' } })).toThrow(
      'Retrain request: unknown property "source"',
    );
  });
});
