import sharp from 'sharp';

/** An RGB frame's size. */
export interface FrameSize {
  readonly width: number;
  readonly height: number;
}

/**
 * Decodes a PNG frame into `planes` at `offset` as 3 float planes R, G, B of 0..255 (the layout of one
 * [3,H,W] image of a batch), resized to `size` first when it has another size (stretched: every source
 * pixel is kept, and the styled frame is stretched back). Returns the frame's own size.
 */
export async function decodeFrame(
  png: Buffer,
  size: FrameSize,
  planes: Float32Array,
  offset: number,
): Promise<FrameSize> {
  const image = sharp(png).removeAlpha().toColourspace('srgb');
  const source = await image.metadata();
  const resized =
    source.width === size.width && source.height === size.height
      ? image
      : image.resize(size.width, size.height, { fit: 'fill' });
  const { data, info } = await resized.raw().toBuffer({ resolveWithObject: true });
  const pixels = info.width * info.height;
  for (let pixel = 0; pixel < pixels; pixel++) {
    planes[offset + pixel] = data[pixel * 3]!;
    planes[offset + pixels + pixel] = data[pixel * 3 + 1]!;
    planes[offset + 2 * pixels + pixel] = data[pixel * 3 + 2]!;
  }
  return { width: source.width ?? size.width, height: source.height ?? size.height };
}

/**
 * Encodes one [3,H,W] image of `planes` at `offset` as an RGB PNG: values clamped to 0..255 and
 * rounded, stretched back to `target` when that is another size.
 */
export async function encodeFrame(
  planes: Float32Array,
  offset: number,
  size: FrameSize,
  target: FrameSize,
): Promise<Buffer> {
  const pixels = size.width * size.height;
  const rgb = Buffer.allocUnsafe(pixels * 3);
  for (let pixel = 0; pixel < pixels; pixel++) {
    rgb[pixel * 3] = toByte(planes[offset + pixel]!);
    rgb[pixel * 3 + 1] = toByte(planes[offset + pixels + pixel]!);
    rgb[pixel * 3 + 2] = toByte(planes[offset + 2 * pixels + pixel]!);
  }
  const image = sharp(rgb, { raw: { width: size.width, height: size.height, channels: 3 } });
  const sized =
    target.width === size.width && target.height === size.height
      ? image
      : image.resize(target.width, target.height, { fit: 'fill' });
  // Fast compression: the frames are work files, read once by the assembly step.
  return sized.png({ compressionLevel: 2 }).toBuffer();
}

/** Clamped to 0..255 and rounded (NaN → 0). */
export function toByte(value: number): number {
  if (!(value > 0)) return 0;
  return value >= 255 ? 255 : Math.round(value);
}

/** A PNG frame's width and height, from its header. */
export async function frameSizeOf(png: Buffer): Promise<FrameSize> {
  const { width, height } = await sharp(png).metadata();
  return { width, height };
}
