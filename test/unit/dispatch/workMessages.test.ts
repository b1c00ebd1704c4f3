import { decodeQueueMessage } from '../../../src/host/triggers/queue/decodeQueueMessage';
import {
  decodeWorkResult,
  encodeQueueMessage,
  parseWorkResult,
  type WorkItem,
  type WorkResult,
} from '../../../src/dispatch';
import { ValidationError } from '../../../src/errors';

const result: WorkResult = {
  itemId: 'job1.frames-000001-000008.a1',
  jobId: 'job1',
  unit: 'frames-000001-000008',
  attempt: 1,
  instanceId: 'video-job1',
  kind: 'styleFrames',
  status: 'succeeded',
  executionProvider: 'cpu',
  ranOn: 'local process 42',
  startedAt: '2026-01-02T03:04:05.000Z',
  finishedAt: '2026-01-02T03:04:09.500Z',
  output: { frames: 8, inferenceMs: 812 },
};

describe('work queue messages', () => {
  it('are base64 JSON, as the queue trigger decodes them under its default encoding', () => {
    const body = decodeQueueMessage(encodeQueueMessage(result), 'base64');
    expect(parseWorkResult(JSON.parse(body?.toString('utf8') ?? ''))).toEqual(result);
    expect(decodeWorkResult(encodeQueueMessage(result))).toEqual(result);
  });

  it.each([
    ['a bad status', { ...result, status: 'done' }, 'The work result message has a bad field status'],
    ['no item id', { ...result, itemId: undefined }, 'The work result message has a bad field itemId'],
    ['a bad time', { ...result, finishedAt: 'soon' }, 'The work result message has a bad field finishedAt'],
  ])('refuse a result with %s, naming the field', (_, value, message) => {
    expect(() => parseWorkResult(value)).toThrow(ValidationError);
    expect(() => parseWorkResult(value)).toThrow(message);
  });

  it('refuse text that is not base64 JSON', () => {
    expect(() => decodeWorkResult('{not base64')).toThrow(
      'The work result message is not base64-encoded JSON.',
    );
  });

  it('refuse an item too large for a queue message, and say where large inputs go', () => {
    const item: WorkItem = { ...result, timeoutSeconds: 60, payload: { frames: 'x'.repeat(50_000) } };
    expect(() => encodeQueueMessage(item)).toThrow(
      /^Work message for job1\.frames-000001-000008\.a1 is 50\d{3} bytes of JSON; a queue message holds 49152\. Put large inputs in blobs/,
    );
  });
});
