import { message as rheaMessage, types } from 'rhea';
import { messageForConsumer } from '../../../src/host/eventHubs/amqp/amqpEvents';
import { consumerBytes } from '../../../src/host/eventHubs/amqp/consumerBytes';
import type { StoredEvent } from '../../../src/host/eventHubs/EventHubEvent';

/** A stored event whose AMQP bytes are `message` as a producer encoded it. */
function stored(message: Record<string, unknown>, extra: Partial<StoredEvent> = {}): StoredEvent {
  return {
    partitionId: '1',
    sequenceNumber: 4_000_000_123,
    offset: 987_654_321,
    enqueuedTime: new Date('2026-05-01T10:20:30.250Z'),
    body: Buffer.alloc(0),
    bodyIsText: false,
    properties: {},
    amqp: rheaMessage.encode(message),
    ...extra,
  };
}

/** What a consumer decodes from the message path (decode, annotate, encode): the reference. */
function throughMessage(event: StoredEvent) {
  return rheaMessage.decode(rheaMessage.encode(messageForConsumer(event)));
}

const body = (text: string): unknown => rheaMessage.data_section(Buffer.from(text));

const cases: [string, Record<string, unknown>, Partial<StoredEvent>][] = [
  ['a data body alone', { body: body('{"deviceId":"d1","t":21.5}') }, {}],
  [
    'a header, properties, application properties and a footer',
    {
      durable: true,
      priority: 7,
      message_id: 'm-1',
      content_type: 'application/json',
      application_properties: { n: 3, tag: 'x', big: types.wrap_long(2 ** 40) },
      body: body('{"a":1}'),
      footer: { checksum: 'abc' },
    },
    {},
  ],
  ['a partition key', { body: body('{}') }, { partitionKey: 'device-42' }],
  ['a key longer than a short string', { body: body('{}') }, { partitionKey: 'k'.repeat(300) }],
  ['a 70 KB body', { body: rheaMessage.data_section(Buffer.alloc(70_000, 7)) }, {}],
  ['a string value body', { body: 'plain text' }, {}],
  // As the Event Hubs SDK encodes an event: an empty header, empty message annotations, empty properties.
  ['empty sections', { header: {}, message_annotations: {}, properties: {}, body: body('{"a":1}') }, {}],
  [
    'annotations of its own, one the service sets too',
    { message_annotations: { custom: 1, 'x-opt-offset': 'mine' }, body: body('{}') },
    { partitionKey: 'k' },
  ],
];

test.each(cases)(
  'a consumer decodes the same message from the bytes as from the message path: %s',
  (_name, message, extra) => {
    const event = stored(message, extra);
    const bytes = consumerBytes(event);
    expect(bytes).toBeDefined();
    const decoded = rheaMessage.decode(bytes!);
    expect(decoded).toEqual(throughMessage(event));
    expect(decoded.message_annotations).toEqual({
      ...((message.message_annotations as { custom?: number } | undefined)?.custom ? { custom: 1 } : {}),
      'x-opt-sequence-number': 4_000_000_123,
      'x-opt-offset': '987654321',
      'x-opt-enqueued-time': new Date('2026-05-01T10:20:30.250Z'),
      ...(extra.partitionKey !== undefined ? { 'x-opt-partition-key': extra.partitionKey } : {}),
    });
  },
);

test('reads a section whose descriptor is a full ulong, as other AMQP libraries may write it', () => {
  // Empty message annotations with an 8-byte descriptor, then a data body {}.
  const amqp = Buffer.from([
    ...[0x00, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x72, 0xc1, 0x01, 0x00],
    ...[0x00, 0x53, 0x75, 0xa0, 0x02, 0x7b, 0x7d],
  ]);
  const event = { ...stored({ body: body('{}') }), amqp };
  const bytes = consumerBytes(event);
  expect(bytes).toBeDefined();
  expect(rheaMessage.decode(bytes!)).toEqual(throughMessage(event));
  expect(rheaMessage.decode(bytes!).body).toEqual(body('{}'));
});

test('leaves to the message path what it does not build: no bytes, bad bytes', () => {
  expect(consumerBytes({ ...stored({ body: body('{}') }), amqp: undefined })).toBeUndefined();
  expect(
    consumerBytes({
      ...stored({ body: body('{}') }),
      amqp: Buffer.from([0x00, 0x53, 0x75, 0xb0, 0, 0, 0, 9, 1]),
    }),
  ).toBeUndefined();
  expect(consumerBytes({ ...stored({ body: body('{}') }), amqp: Buffer.from([0x42]) })).toBeUndefined();
});
