import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';

/**
 * Extracts a zip into a folder through its central directory (Zip64 entry counts included), checking
 * every entry's CRC-32 and size and keeping Unix modes: an independent reader for the packages the
 * project writes. Returns the entry names.
 */
export function unzipTo(zipFile: string, folder: string): string[] {
  const zip = readFileSync(zipFile);
  const { count, start } = centralDirectory(zip);
  const names: string[] = [];
  let at = start;
  for (let index = 0; index < count; index++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`Bad central record ${index} at ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const mode = zip.readUInt32LE(at + 38) >>> 16;
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;

    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const body = zip.subarray(dataStart, dataStart + compressed);
    const data = method === 8 ? inflateRawSync(body) : body;
    if (data.length !== size || crc32(data) !== crc) throw new Error(`${name}: size or CRC-32 mismatch`);
    if (name.split('/').includes('..') || path.isAbsolute(name)) throw new Error(`${name}: unsafe path`);
    const target = path.join(folder, name);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, data, { mode: mode & 0o777 || 0o644 });
    names.push(name);
  }
  return names;
}

function centralDirectory(zip: Buffer): { count: number; start: number } {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('No end of central directory record');
  const count = zip.readUInt16LE(end + 10);
  const start = zip.readUInt32LE(end + 16);
  if (count !== 0xffff) return { count, start };
  const zip64 = Number(zip.readBigUInt64LE(end - 20 + 8));
  if (zip.readUInt32LE(zip64) !== 0x06064b50) throw new Error('No Zip64 end record');
  return { count: Number(zip.readBigUInt64LE(zip64 + 32)), start: Number(zip.readBigUInt64LE(zip64 + 48)) };
}
