import { message as rheaMessage, type Message } from 'rhea';
import type { StoredEvent } from '../EventHubEvent';
import { serviceAnnotations } from './amqpEvents';

// AMQP 1.0 section descriptors (small ulong codes) and the constructors this file writes.
const described = 0x00;
const smallUlong = 0x53;
const ulong = 0x80;
const messageAnnotations = 0x72;
const map8 = 0xc1;
const map32 = 0xd1;
const sym8 = 0xa3;
const str8 = 0xa1;
const str32 = 0xb1;
const long = 0x81;
const timestamp = 0x83;

/**
 * The bytes a consumer receives for a stored event, built without decoding the event: the producer's
 * sections as they were sent, with the message-annotations section carrying the service's annotations
 * (sequence number, offset, enqueued time, partition key): in place of the producer's (merged with
 * it when it has entries, the service's winning), else after the header. Undefined when the event has
 * no AMQP bytes or its bytes are not sections this reads: the caller then decodes and encodes it as a
 * message.
 */
export function consumerBytes(event: StoredEvent): Buffer | undefined {
  const bytes = event.amqp;
  if (!bytes) return undefined;
  // Sections come in order: header, delivery annotations, message annotations, then the rest.
  let before = 0;
  let after = 0;
  for (let at = 0; at < bytes.length;) {
    const code = sectionCode(bytes, at);
    if (code === undefined) return undefined;
    const end = skipDescribed(bytes, at);
    if (end === undefined) return undefined;
    if (code < messageAnnotations && before === at) before = after = end;
    if (code === messageAnnotations) {
      if (!isEmptyMap(bytes, skipValue(bytes, at + 1)!)) return mergedAnnotations(event, bytes, at, end);
      [before, after] = [at, end];
    }
    at = end;
  }
  return Buffer.concat([bytes.subarray(0, before), annotationsSection(event), bytes.subarray(after)]);
}

/** The producer's own message annotations with the service's set over them (rare: decoded, then encoded). */
function mergedAnnotations(
  event: StoredEvent,
  bytes: Buffer,
  start: number,
  end: number,
): Buffer | undefined {
  const own = (rheaMessage.decode(bytes.subarray(start, end)) as unknown as Message).message_annotations;
  const merged = rheaMessage.encode({ message_annotations: { ...own, ...serviceAnnotations(event) } });
  const section = sectionOf(merged, messageAnnotations);
  return section && Buffer.concat([bytes.subarray(0, start), section, bytes.subarray(end)]);
}

/** The section with descriptor `code` in encoded message bytes. */
function sectionOf(bytes: Buffer, code: number): Buffer | undefined {
  for (let at = 0; at < bytes.length;) {
    const end = skipDescribed(bytes, at);
    if (end === undefined) return undefined;
    if (sectionCode(bytes, at) === code) return bytes.subarray(at, end);
    at = end;
  }
  return undefined;
}

/** Whether the map encoded at `at` has no entries. */
function isEmptyMap(bytes: Buffer, at: number): boolean {
  if (bytes[at] === map8) return bytes[at + 2] === 0;
  if (bytes[at] === map32) return at + 9 <= bytes.length && bytes.readUInt32BE(at + 5) === 0;
  return false;
}

/** The message-annotations section of the service's annotations, encoded here (rhea's encoder is the slow part). */
function annotationsSection(event: StoredEvent): Buffer {
  const entries: Buffer[] = [
    symbol('x-opt-sequence-number'),
    fixed(long, BigInt(event.sequenceNumber)),
    symbol('x-opt-offset'),
    string(String(event.offset)),
    symbol('x-opt-enqueued-time'),
    fixed(timestamp, BigInt(event.enqueuedTime.getTime())),
  ];
  if (event.partitionKey !== undefined)
    entries.push(symbol('x-opt-partition-key'), string(event.partitionKey));
  const content = Buffer.concat(entries);
  const count = entries.length;
  const head =
    content.length + 1 <= 0xff
      ? Buffer.from([described, smallUlong, messageAnnotations, map8, content.length + 1, count])
      : Buffer.concat([
          Buffer.from([described, smallUlong, messageAnnotations, map32]),
          uint32(content.length + 4),
          uint32(count),
        ]);
  return Buffer.concat([head, content]);
}

function symbol(name: string): Buffer {
  const text = Buffer.from(name, 'ascii');
  return Buffer.concat([Buffer.from([sym8, text.length]), text]);
}

function string(value: string): Buffer {
  const text = Buffer.from(value, 'utf8');
  return text.length <= 0xff
    ? Buffer.concat([Buffer.from([str8, text.length]), text])
    : Buffer.concat([Buffer.from([str32]), uint32(text.length), text]);
}

function fixed(code: number, value: bigint): Buffer {
  const buffer = Buffer.alloc(9);
  buffer[0] = code;
  buffer.writeBigInt64BE(value, 1);
  return buffer;
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}

/** The descriptor code of the section at `at` (a described type with a small-ulong or ulong descriptor). */
function sectionCode(bytes: Buffer, at: number): number | undefined {
  if (bytes[at] !== described) return undefined;
  if (bytes[at + 1] === smallUlong) return bytes[at + 2];
  if (bytes[at + 1] === ulong && at + 10 <= bytes.length) {
    const code = bytes.readBigUInt64BE(at + 2);
    return code <= 0xffn ? Number(code) : undefined;
  }
  return undefined;
}

/** Where the described value at `at` ends: past its descriptor and its value. */
function skipDescribed(bytes: Buffer, at: number): number | undefined {
  const descriptorEnd = skipValue(bytes, at + 1);
  return descriptorEnd === undefined ? undefined : skipValue(bytes, descriptorEnd);
}

/** Bytes of data after the constructor, by its high nibble, for the fixed-width categories. */
const fixedWidths: Record<number, number> = { 0x4: 0, 0x5: 1, 0x6: 2, 0x7: 4, 0x8: 8, 0x9: 16 };

/**
 * Where the encoded value at `at` ends. AMQP's constructor codes say their width in the high nibble:
 * 0x4 no data, 0x5 one byte, 0x6 two, 0x7 four, 0x8 eight, 0x9 sixteen; 0xa, 0xc and 0xe a one-byte
 * size, 0xb, 0xd and 0xf a four-byte size, then that many bytes.
 */
function skipValue(bytes: Buffer, at: number): number | undefined {
  const code = bytes[at];
  if (code === undefined) return undefined;
  if (code === described) return skipDescribed(bytes, at);
  const category = code >> 4;
  let end: number;
  if (category in fixedWidths) end = at + 1 + fixedWidths[category]!;
  else if (category === 0xa || category === 0xc || category === 0xe) {
    if (at + 2 > bytes.length) return undefined;
    end = at + 2 + bytes[at + 1]!;
  } else if (category === 0xb || category === 0xd || category === 0xf) {
    if (at + 5 > bytes.length) return undefined;
    end = at + 5 + bytes.readUInt32BE(at + 1);
  } else return undefined;
  return end <= bytes.length ? end : undefined;
}
