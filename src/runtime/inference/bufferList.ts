/** The distinct transferable buffers under some tensors (a buffer listed twice makes postMessage throw). */
export function bufferList(
  tensors: Readonly<Record<string, { readonly data: ArrayBufferView }>>,
): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const { data } of Object.values(tensors)) {
    // By tag, not instanceof: arrays made in another realm (a vm context, as under jest) are transferable too.
    if (Object.prototype.toString.call(data.buffer) === '[object ArrayBuffer]')
      buffers.add(data.buffer as ArrayBuffer);
  }
  return [...buffers];
}
