/**
 * Reads an ONNX TensorProto (`*.pb`, as the ONNX test data ships expected outputs): its dims and its
 * float32 values, from `raw_data` or `float_data`. Only what the tests need: other element types throw.
 */
export function readTensorProto(bytes: Uint8Array): { dims: number[]; data: Float32Array } {
  const dims: number[] = [];
  let dataType = 0;
  let data: Float32Array | undefined;
  const floats: number[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) {
      const value = varint();
      if (field === 1) dims.push(value);
      else if (field === 2) dataType = value;
    } else if (wire === 2) {
      const length = varint();
      const end = at + length;
      if (field === 1)
        while (at < end) dims.push(varint()); // packed dims
      else if (field === 4) for (; at < end; at += 4) floats.push(view.getFloat32(at, true));
      // Copied by the generic slice: a Buffer's own slice is a view into its (shared) pool.
      else if (field === 9) data = new Float32Array(Uint8Array.prototype.slice.call(bytes, at, end).buffer);
      at = end;
    } else if (wire === 5) {
      if (field === 4) floats.push(view.getFloat32(at, true));
      at += 4;
    } else if (wire === 1) at += 8;
    else throw new Error(`TensorProto: wire type ${wire} not expected`);
  }
  if (dataType !== 1) throw new Error(`TensorProto: element type ${dataType}, only float (1) is read here`);
  return { dims, data: data ?? Float32Array.from(floats) };
}
