import type { FeedbackBatch } from '../../../src/feedback/FeedbackStore';
import { formatJoinedSet } from '../../../src/feedback/formatJoinedSet';
import type { JoinedRow } from '../../../src/feedback/joinFeedback';
import { readJoinedSet } from '../../../src/feedback/readJoinedSet';

function joined(id: string, version: number, columns: string[], values: string[], label: string): JoinedRow {
  return {
    feedback: { id, label, row: 1 },
    jobId: `job-${version}`,
    version,
    columns,
    values,
    prediction: values.at(-1)!,
  };
}

describe('the joined set', () => {
  it("a batch: the scored columns' union, the label as the target, then version and job", () => {
    const text = formatJoinedSet(
      [
        joined('a', 1, ['id', 'bmi', 'variable'], ['a', '30', '140'], '151'),
        joined('b,2', 2, ['id', 'bp', 'variable', 'target'], ['b,2', '90', '99', 'old'], '75'),
      ],
      'target',
    );
    expect(text).toBe(
      'id,bmi,variable,bp,target,modelVersion,jobId\na,30,140,,151,1,job-1\n"b,2",,99,90,75,2,job-2\n',
    );
  });

  it('every Joined batch, oldest first, under the union of their columns', async () => {
    const blobs: Record<string, string> = {
      'm/1.csv': 'id,x,variable,target,modelVersion,jobId\na,1,10,11,1,j1\n',
      'm/2.csv': 'id,y,variable,target,modelVersion,jobId\nb,2,20,21,2,j2\n',
      'm/3.csv': 'id,x,variable,target,modelVersion,jobId\nc,3,30,31,2,j3\n',
    };
    const batch = (sha256: string, status: FeedbackBatch['status']): FeedbackBatch => ({
      model: 'm',
      sha256,
      status,
      source: 'http',
      receivedTime: `2026-12-0${sha256}T00:00:00.000Z`,
      joinedSet: `m/${sha256}.csv`,
    });
    const store = {
      batches: () => Promise.resolve([batch('1', 'Joined'), batch('2', 'Joined'), batch('3', 'Failed')]),
      readJoinedSet: (name: string) => Promise.resolve(Buffer.from(blobs[name]!)),
    };
    const set = await readJoinedSet(store, 'm');
    expect(set.rows).toBe(2);
    expect(set.bytes.toString()).toBe(
      'id,x,variable,y,target,modelVersion,jobId\na,1,10,,11,1,j1\nb,,20,2,21,2,j2\n',
    );
  });
});
