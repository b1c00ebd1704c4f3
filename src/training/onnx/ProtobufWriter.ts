/**
 * A minimal protobuf encoder: enough of the wire format (varints, fixed 32/64-bit, length-delimited) to
 * write an ONNX ModelProto without a protobuf dependency. Field numbers are the caller's business.
 */
export class ProtobufWriter {
  private chunks: Uint8Array[] = [];
  private scratch: number[] = [];

  /** Varint field (wire type 0): int32/int64/uint64/enum/bool; negative numbers as 10-byte two's complement. */
  varint(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.rawVarint(value);
    return this;
  }

  /** Length-delimited field (wire type 2) holding UTF-8 text. */
  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  /** Length-delimited field (wire type 2) holding raw bytes or an already encoded message. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.rawVarint(value.length);
    this.flush();
    this.chunks.push(value);
    return this;
  }

  /** Embedded message: encoded by `write` into a nested writer, then added as length-delimited bytes. */
  message(field: number, write: (writer: ProtobufWriter) => void): this {
    const nested = new ProtobufWriter();
    write(nested);
    return this.bytes(field, nested.finish());
  }

  /** 32-bit float field (wire type 5, little-endian). */
  float(field: number, value: number): this {
    this.tag(field, 5);
    const buffer = Buffer.alloc(4);
    buffer.writeFloatLE(value);
    this.scratch.push(...buffer);
    return this;
  }

  /** Packed repeated varints (proto3 default for repeated scalars). */
  packedVarints(field: number, values: readonly (number | bigint)[]): this {
    const nested = new ProtobufWriter();
    for (const value of values) nested.rawVarint(value);
    return this.bytes(field, nested.finish());
  }

  /** The encoded bytes. */
  finish(): Uint8Array {
    this.flush();
    return Buffer.concat(this.chunks);
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint((field << 3) | wireType);
  }

  private rawVarint(value: number | bigint): void {
    // Two's complement over 64 bits makes negative int64 values 10 bytes long, as protobuf specifies.
    let rest = BigInt.asUintN(64, BigInt(value));
    while (rest >= 0x80n) {
      this.scratch.push(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    this.scratch.push(Number(rest));
  }

  private flush(): void {
    if (this.scratch.length > 0) {
      this.chunks.push(Uint8Array.from(this.scratch));
      this.scratch = [];
    }
  }
}
