import { ValidationError } from '../../../src/errors';
import {
  arrive,
  collectorSilenceMs,
  take,
  type ArrivalsState,
} from '../../../src/training/retrain/newData/trainingDataArrivals';
import { isPartOfSource } from '../../../src/training/retrain/newData/startForTrainingBlob';
import { concatenateTrainingFiles } from '../../../src/training/retrain/readBlobPrefixSource';
import { trainingSourceSchema } from '../../../src/training/retrain/RetrainDeclaration';

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds)).toISOString();

describe('the trainingDataArrivals entity', () => {
  it('makes the first arrival the collector and the ones after it part of its burst', () => {
    const first = arrive({ pending: [] }, { blob: 'c/a.csv', at: at(1), instanceId: 'one' });
    expect(first.answer).toEqual({ collect: true });
    const second = arrive(first.state, { blob: 'c/b.csv', at: at(3), instanceId: 'two' });
    expect(second.answer).toEqual({ collect: false });
    expect(second.state).toEqual({
      pending: ['c/a.csv', 'c/b.csv'],
      lastArrival: at(3),
      collector: 'one',
      collectorSeen: at(1),
    });
  });

  it('hands the burst over once nothing arrived for the quiet period, and ends the collector when none is left', () => {
    const state: ArrivalsState = { pending: ['c/a.csv'], lastArrival: at(5), collector: 'one' };
    expect(take(state, { instanceId: 'one', now: at(10), quietSeconds: 10 }).answer).toEqual({
      kind: 'wait',
      until: at(15),
    });
    const ready = take(state, { instanceId: 'one', now: at(15), quietSeconds: 10 });
    expect(ready.answer).toEqual({ kind: 'ready', blobs: ['c/a.csv'] });
    const idle = take(ready.state, { instanceId: 'one', now: at(16), quietSeconds: 10 });
    expect(idle.answer).toEqual({ kind: 'idle' });
    // The next arrival finds no collector and becomes it.
    expect(arrive(idle.state, { blob: 'c/b.csv', at: at(17), instanceId: 'two' }).answer).toEqual({
      collect: true,
    });
  });

  it('replaces a collector silent for too long, and refuses the old one afterwards', () => {
    const state: ArrivalsState = {
      pending: ['c/a.csv'],
      lastArrival: at(0),
      collector: 'gone',
      collectorSeen: at(0),
    };
    const later = new Date(Date.parse(at(1)) + collectorSilenceMs).toISOString();
    const taken = arrive(state, { blob: 'c/b.csv', at: later, instanceId: 'new' });
    expect(taken.answer).toEqual({ collect: true });
    expect(take(taken.state, { instanceId: 'gone', now: later, quietSeconds: 1 }).answer).toEqual({
      kind: 'superseded',
    });
  });
});

describe('a blobPrefix training source', () => {
  it('is a container and a folder ending with "/"', () => {
    expect(trainingSourceSchema.safeParse({ blobPrefix: 'training/diabetes/' }).success).toBe(true);
    expect(trainingSourceSchema.safeParse({ blobPrefix: 'training/' }).success).toBe(true);
    expect(trainingSourceSchema.safeParse({ blobPrefix: 'training/diabetes' }).success).toBe(false);
  });

  it('takes the CSV blobs under the prefix, and an exact blob source only that blob', () => {
    const prefix = { blobPrefix: 'training/diabetes/' };
    expect(isPartOfSource(prefix, 'training/diabetes/2026/part-1.CSV')).toBe(true);
    expect(isPartOfSource(prefix, 'training/diabetes/notes.txt')).toBe(false);
    expect(isPartOfSource(prefix, 'training/other/part-1.csv')).toBe(false);
    expect(isPartOfSource({ blob: 'training/d.csv' }, 'training/d.csv')).toBe(true);
    expect(isPartOfSource({ blob: 'training/d.csv' }, 'training/d.csv.bak')).toBe(false);
    expect(isPartOfSource({ file: 'data/d.csv' }, 'data/d.csv')).toBe(false);
  });

  it("reads as one CSV: one header, then each file's rows, every file ending with a line break", () => {
    const bytes = concatenateTrainingFiles([
      { name: 'c/a.csv', text: 'x,y\n1,2\n' },
      { name: 'c/b.csv', text: 'x, y\r\n3,4' },
      { name: 'c/c.csv', text: 'x,y\n' },
    ]);
    expect(bytes.toString()).toBe('x,y\n1,2\n3,4\n');
  });

  it('refuses files whose headers differ, naming both', () => {
    const files = [
      { name: 'c/a.csv', text: 'x,y\n1,2\n' },
      { name: 'c/b.csv', text: 'x\n3\n' },
    ];
    expect(() => concatenateTrainingFiles(files)).toThrow(ValidationError);
    expect(() => concatenateTrainingFiles(files)).toThrow(
      'c/b.csv has the columns x, where c/a.csv has x, y: the files under a training prefix must share one header.',
    );
  });
});
