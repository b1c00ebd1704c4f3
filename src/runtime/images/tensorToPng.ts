import sharp from 'sharp';

/** One image of a batch tensor and how to read it. */
export interface ImageTensor {
  readonly data: Float32Array | Uint8Array;
  /** [batch, channels, height, width] (NCHW) or [batch, height, width, channels] (NHWC). */
  readonly dims: readonly number[];
  readonly layout: 'NCHW' | 'NHWC';
  /** Which image of the batch; default 0. */
  readonly index?: number;
  /** Value = pixel × scale; default 1 (values 0..255). */
  readonly scale?: number;
}

/**
 * Encodes one image of a model's output tensor as PNG (lossless): values divided by `scale`, rounded
 * and clamped to 0..255, 1 channel as grey, 3 as RGB.
 */
export async function tensorToPng(tensor: ImageTensor): Promise<Buffer> {
  const { dims, layout } = tensor;
  if (dims.length !== 4) throw new Error(`An image tensor is 4-d, not [${dims.join(',')}]`);
  const [, a, b, c] = dims as [number, number, number, number];
  const [channels, height, width] = layout === 'NCHW' ? [a, b, c] : [c, a, b];
  if (channels !== 1 && channels !== 3)
    throw new Error(`An image tensor has 1 or 3 channels, not ${channels} (layout ${layout})`);
  const area = height * width;
  const base = (tensor.index ?? 0) * area * channels;
  const scale = tensor.scale ?? 1;
  const pixels = Buffer.alloc(area * channels);
  for (let p = 0; p < area; p++) {
    for (let ch = 0; ch < channels; ch++) {
      const at = layout === 'NCHW' ? base + ch * area + p : base + p * channels + ch;
      const value = Math.round(tensor.data[at]! / scale);
      pixels[p * channels + ch] = value < 0 ? 0 : value > 255 ? 255 : value;
    }
  }
  return sharp(pixels, { raw: { width, height, channels } }).png().toBuffer();
}
