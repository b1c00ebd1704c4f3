import sharp from 'sharp';
import { ValidationError } from '../../errors';
import type { ImageTensorPlan } from './ImageInput';

/**
 * Decodes an image (JPEG, PNG, WebP, GIF, TIFF, AVIF: whatever sharp reads) to the model's size as
 * interleaved pixels, height × width × channels, 0..255: turned upright by its EXIF orientation,
 * alpha dropped, colour converted to sRGB (or grey for a 1-channel input), resized as the plan says.
 * Bytes that are no image, or a truncated one, are a ValidationError naming `name`.
 */
export async function decodeImage(bytes: Uint8Array, plan: ImageTensorPlan, name: string): Promise<Buffer> {
  try {
    const { data, info } = await sharp(bytes, { failOn: 'truncated' })
      .rotate()
      .toColourspace(plan.channels === 1 ? 'b-w' : 'srgb')
      .removeAlpha()
      .resize(plan.width, plan.height, {
        fit: plan.resize,
        position: 'centre',
        background: { r: 0, g: 0, b: 0 },
      })
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== plan.channels)
      throw new Error(`decoded to ${info.channels} channels, the model takes ${plan.channels}`);
    return data;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValidationError(`Image ${name} cannot be decoded: ${reason}`, { file: name });
  }
}

/**
 * Writes one image's interleaved pixels into `target` (a batch tensor) as image number `index`: the
 * plan's layout and channel order, each value (pixel × scale − mean[c]) / std[c].
 */
export function writeImageTensor(
  pixels: Uint8Array,
  plan: ImageTensorPlan,
  target: Float32Array,
  index: number,
): void {
  const { channels, height, width, layout } = plan;
  const area = height * width;
  const base = index * area * channels;
  for (let c = 0; c < channels; c++) {
    // BGR models read channel 0 from the pixel's blue value.
    const from = plan.channelOrder === 'BGR' && channels === 3 ? 2 - c : c;
    const scale = plan.scale / plan.std[c]!;
    const shift = plan.mean[c]! / plan.std[c]!;
    for (let p = 0; p < area; p++) {
      const at = layout === 'NCHW' ? base + c * area + p : base + p * channels + c;
      target[at] = pixels[p * channels + from]! * scale - shift;
    }
  }
}
