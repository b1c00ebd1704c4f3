// A minimal, deterministic zip writer: deflate (or store) per entry, Unix modes, one fixed time, and
// Zip64 end records when there are more than 65,535 entries. Sizes and offsets stay under 4 GiB (it
// fails clearly past that), which is far above a Functions package's limits.
'use strict';
const fs = require('node:fs');
const zlib = require('node:zlib');

const max32 = 0xffffffff;
// 1980-01-01 00:00 in MS-DOS form: the earliest time zip can say, the same for every build.
const dosTime = 0;
const dosDate = (0 << 9) | (1 << 5) | 1;

if (typeof zlib.crc32 !== 'function') throw new Error('Packaging needs Node.js 20.15 or later (zlib.crc32).');

class ZipWriter {
  #fd;
  #offset = 0;
  #central = [];

  /** @param {string} file the zip to create (replaced if it exists) */
  constructor(file) {
    this.#fd = fs.openSync(file, 'w');
  }

  /**
   * Adds one file. Data that deflate cannot shrink is stored as it is.
   * @param {string} name path inside the zip, with forward slashes
   * @param {Buffer} data
   * @param {number} mode Unix permission bits (0o644, 0o755)
   */
  add(name, data, mode) {
    const deflated = zlib.deflateRawSync(data, { level: 6 });
    const stored = deflated.length >= data.length;
    const body = stored ? data : deflated;
    const nameBytes = Buffer.from(name, 'utf8');
    if (data.length > max32 || this.#offset + body.length > max32)
      throw new Error(`${name}: the package would pass 4 GiB, which this writer does not support.`);
    const entry = {
      nameBytes,
      method: stored ? 0 : 8,
      crc: zlib.crc32(data),
      compressed: body.length,
      size: data.length,
      mode,
      offset: this.#offset,
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(entry.method, 8);
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(entry.crc, 14);
    local.writeUInt32LE(entry.compressed, 18);
    local.writeUInt32LE(entry.size, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    this.#write(local, nameBytes, body);
    this.#central.push(entry);
  }

  /** Writes the central directory and closes the file; returns the zip's size in bytes. */
  finish() {
    const start = this.#offset;
    for (const entry of this.#central) this.#write(centralRecord(entry), entry.nameBytes);
    const length = this.#offset - start;
    const count = this.#central.length;
    if (count > 0xffff) this.#write(zip64End(count, length, start));
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(Math.min(count, 0xffff), 8);
    end.writeUInt16LE(Math.min(count, 0xffff), 10);
    end.writeUInt32LE(length, 12);
    end.writeUInt32LE(start, 16);
    this.#write(end);
    fs.closeSync(this.#fd);
    return this.#offset;
  }

  #write(...buffers) {
    for (const buffer of buffers) {
      fs.writeSync(this.#fd, buffer);
      this.#offset += buffer.length;
    }
  }
}

function centralRecord(entry) {
  const record = Buffer.alloc(46);
  record.writeUInt32LE(0x02014b50, 0);
  record.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the external attributes carry the mode
  record.writeUInt16LE(20, 6);
  record.writeUInt16LE(0x0800, 8);
  record.writeUInt16LE(entry.method, 10);
  record.writeUInt16LE(dosTime, 12);
  record.writeUInt16LE(dosDate, 14);
  record.writeUInt32LE(entry.crc, 16);
  record.writeUInt32LE(entry.compressed, 20);
  record.writeUInt32LE(entry.size, 24);
  record.writeUInt16LE(entry.nameBytes.length, 28);
  record.writeUInt32LE(((0o100000 | entry.mode) << 16) >>> 0, 38); // a regular file with its mode
  record.writeUInt32LE(entry.offset, 42);
  return record;
}

/** The Zip64 end of central directory record and its locator, for entry counts past 65,535. */
function zip64End(count, length, start) {
  const record = Buffer.alloc(56 + 20);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4); // the size of the rest of this record
  record.writeUInt16LE((3 << 8) | 45, 12);
  record.writeUInt16LE(45, 14);
  record.writeBigUInt64LE(BigInt(count), 24);
  record.writeBigUInt64LE(BigInt(count), 32);
  record.writeBigUInt64LE(BigInt(length), 40);
  record.writeBigUInt64LE(BigInt(start), 48);
  record.writeUInt32LE(0x07064b50, 56);
  record.writeBigUInt64LE(BigInt(start + length), 64); // where the Zip64 record starts
  record.writeUInt32LE(1, 72); // one disk
  return record;
}

module.exports = { ZipWriter };
