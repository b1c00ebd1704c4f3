import { parseStreamDefinition } from '../../../src/streaming/StreamDefinition';
import { formatStreamRows } from '../../../src/streaming/formatStreamRows';
import { parseStreamEvents } from '../../../src/streaming/parseStreamEvents';
import { streamBlobName } from '../../../src/streaming/streamBlobNames';

const stream = parseStreamDefinition(
  {
    name: 'meters',
    source: { hub: 'meters' },
    schema: { meterId: 'string', reading: 'number', count: 'integer', on: 'boolean', at: 'timestamp' },
    key: 'meterId',
    features: ['reading', 'count'],
    model: 'usage@3',
    outputs: { folder: 'streams/meters', format: 'csv' },
  },
  'meters.json',
);
const fine = { meterId: 'm1', reading: 1.5, count: 2, on: true, at: '2026-12-01T10:00:00Z', extra: [1] };

test('events that fit the schema are kept; the others are dead letters with partition, sequence and reason', () => {
  const bodies: unknown[] = [
    fine,
    { ...fine, at: 1_764_583_200_000 },
    '{ not json',
    'plain text',
    [1, 2],
    42,
    null,
    { ...fine, reading: undefined },
    { ...fine, reading: null },
    { ...fine, reading: '1.5' },
    { ...fine, count: 2.5 },
    { ...fine, on: 'yes' },
    { ...fine, at: 'yesterday' },
    { ...fine, meterId: 7 },
    { ...fine, reading: 'x'.repeat(100) },
  ];
  const { good, bad } = parseStreamEvents(stream, {
    partitionId: '3',
    events: bodies.map((body, index) => ({
      body,
      sequenceNumber: 100 + index,
      enqueuedTimeUtc: `t${index}`,
    })),
  });
  expect(good.map((event) => event.sequenceNumber)).toEqual([100, 101]);
  expect(good[0]!.fields).toBe(fine);
  expect(bad[0]).toEqual({
    partitionId: '3',
    sequenceNumber: 102,
    enqueuedTimeUtc: 't2',
    reason: expect.any(String),
  });
  expect(bad.map((event) => event.reason)).toEqual([
    'the body is not a JSON object (it is not JSON, or JSON text)',
    'the body is not a JSON object (it is not JSON, or JSON text)',
    'the body is not a JSON object (it is an array)',
    'the body is not a JSON object (it is 42)',
    'the body is not a JSON object (it is null)',
    'field "reading" is missing',
    'field "reading" is missing',
    'field "reading" must be a number, not a string "1.5"',
    'field "count" must be an integer, not a number 2.5',
    'field "on" must be a boolean, not a string "yes"',
    'field "at" must be a timestamp (ISO 8601 text or epoch ms), not a string "yesterday"',
    'field "meterId" must be a string, not a number 7',
    // Long values are not quoted.
    'field "reading" must be a number, not a string',
  ]);
});

test('blobs are named by partition and first sequence number, zero-padded to sort', () => {
  expect(streamBlobName(stream, 'output', '3', 1234)).toBe('streams/meters/3/00000000000000001234.csv');
  expect(streamBlobName(stream, 'deadLetter', '3', 1234)).toBe(
    'streams/meters/_deadletter/3/00000000000000001234.jsonl',
  );
  expect(streamBlobName(stream, 'alerts', '0', 0)).toBe(
    'streams/meters/_alerts/0/00000000000000000000.jsonl',
  );
});

test('CSV rows have a header and quote what needs quoting; JSON Lines one object a line', () => {
  const rows = [
    { meterId: 'a,b', reading: 1.5, note: 'say "hi"', list: [1, 2], none: null },
    { meterId: 'c', reading: 2, note: 'line\nbreak', list: [], none: undefined },
  ];
  expect(formatStreamRows(rows, 'csv').toString()).toBe(
    'meterId,reading,note,list,none\n"a,b",1.5,"say ""hi""","[1,2]",\nc,2,"line\nbreak",[],\n',
  );
  expect(formatStreamRows(rows.slice(0, 1), 'jsonl').toString()).toBe(
    '{"meterId":"a,b","reading":1.5,"note":"say \\"hi\\"","list":[1,2],"none":null}\n',
  );
});
