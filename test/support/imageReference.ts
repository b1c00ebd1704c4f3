import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { decodeImage, writeImageTensor } from '../../src/runtime/images/decodeImage';
import type { ImageTensorPlan } from '../../src/runtime/images/ImageInput';

/** A w×h RGB gradient with a pattern that depends on `seed`, as PNG or JPEG. */
export async function gradientImage(
  width: number,
  height: number,
  seed: number,
  format: 'png' | 'jpeg',
): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      pixels[at] = (x * 255) / width;
      pixels[at + 1] = (y * 255) / height;
      pixels[at + 2] = ((x + y) * seed * 7) % 256;
    }
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  return format === 'png' ? image.png().toBuffer() : image.jpeg({ quality: 90 }).toBuffer();
}

/**
 * Each image's scores straight from onnxruntime-node in a separate process (one run per image), on
 * tensors preprocessed here as the plan says.
 */
export async function referenceImageScores(
  modelPath: string,
  plan: ImageTensorPlan,
  images: readonly { name: string; bytes: Buffer }[],
): Promise<number[][]> {
  const size = plan.channels * plan.height * plan.width;
  const tensors = new Float32Array(images.length * size);
  for (const [index, image] of images.entries())
    writeImageTensor(await decodeImage(image.bytes, plan, image.name), plan, tensors, index);
  const folder = mkdtempSync(path.join(os.tmpdir(), 'ort-images-'));
  const dims =
    plan.layout === 'NCHW'
      ? [1, plan.channels, plan.height, plan.width]
      : [1, plan.height, plan.width, plan.channels];
  writeFileSync(path.join(folder, 'tensors.f32'), Buffer.from(tensors.buffer));
  writeFileSync(path.join(folder, 'dims.json'), JSON.stringify(dims));
  const output = execFileSync(
    process.execPath,
    [
      path.join(__dirname, 'ortImageScores.js'),
      modelPath,
      path.join(folder, 'tensors.f32'),
      path.join(folder, 'dims.json'),
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(output) as number[][];
}
