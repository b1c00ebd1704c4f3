import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { ImageTensorPlan } from '../../src/runtime/images/ImageInput';
import { encodeOnnxModel } from '../../src/training/onnx/encodeOnnxModel';

/** A w×h RGB gradient with a pattern and a dominant colour that depend on `seed`, as PNG or JPEG. */
export async function gradientImage(
  width: number,
  height: number,
  seed: number,
  format: 'png' | 'jpeg' | 'webp',
): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      // One channel in full by the seed, the others dimmed: pictures of different seeds differ in colour.
      const tint = (channel: number) => (seed % 3 === channel ? 1 : 0.25);
      pixels[at] = ((x * 255) / width) * tint(0);
      pixels[at + 1] = ((y * 255) / height) * tint(1);
      pixels[at + 2] = (((x + y) * seed * 7) % 256) * tint(2);
    }
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  if (format === 'webp') return image.webp({ lossless: true }).toBuffer();
  return format === 'png' ? image.png().toBuffer() : image.jpeg({ quality: 90 }).toBuffer();
}

/**
 * One image as the plan's tensor, preprocessed here without the app's code: sharp resizes it (the
 * plan's fit, centred, black padding), then each value is (pixel × scale − mean) / std at its NCHW or
 * NHWC place, channels in the plan's order.
 */
async function referenceTensor(bytes: Buffer, plan: ImageTensorPlan): Promise<Float32Array> {
  const { width, height, channels } = plan;
  const pixels = await sharp(bytes)
    .toColourspace(channels === 1 ? 'b-w' : 'srgb')
    .removeAlpha()
    .resize(width, height, { fit: plan.resize, background: { r: 0, g: 0, b: 0 } })
    .raw()
    .toBuffer();
  const tensor = new Float32Array(channels * height * width);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) {
        const source = plan.channelOrder === 'BGR' && channels === 3 ? 2 - c : c;
        const value =
          (pixels[(y * width + x) * channels + source]! * plan.scale - plan.mean[c]!) / plan.std[c]!;
        const at = plan.layout === 'NCHW' ? (c * height + y) * width + x : (y * width + x) * channels + c;
        tensor[at] = value;
      }
  return tensor;
}

/**
 * Each image's scores straight from onnxruntime-node in a separate process (one run per image), on
 * tensors preprocessed here as the plan says (referenceTensor); `model` is a file or the model's bytes.
 */
export async function referenceImageScores(
  model: string | Uint8Array,
  plan: ImageTensorPlan,
  images: readonly { name: string; bytes: Buffer }[],
): Promise<number[][]> {
  const size = plan.channels * plan.height * plan.width;
  const tensors = new Float32Array(images.length * size);
  for (const [index, image] of images.entries())
    tensors.set(await referenceTensor(image.bytes, plan), index * size);
  const folder = mkdtempSync(path.join(os.tmpdir(), 'ort-images-'));
  const modelPath = typeof model === 'string' ? model : path.join(folder, 'model.onnx');
  if (typeof model !== 'string') writeFileSync(modelPath, model);
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

/**
 * A small image classifier whose scores depend on the picture (light squeezenet's are uniform): `pixels`
 * uint8 [N, H, W, 3] with dynamic height and width → mean colour → `scores` float32 [N, 4], the softmax
 * of (red, green, blue, dark) evidence.
 */
export function colourClassifierOnnx(): Uint8Array {
  return encodeOnnxModel({
    opsets: [{ domain: '', version: 13 }],
    producerName: 'durable-scoring tests',
    graph: {
      name: 'colour_classifier',
      nodes: [
        { opType: 'Cast', inputs: ['pixels'], outputs: ['x'], attributes: [{ name: 'to', int: 1 }] },
        {
          opType: 'ReduceMean',
          inputs: ['x'],
          outputs: ['mean'],
          attributes: [
            { name: 'axes', ints: [1, 2] },
            { name: 'keepdims', int: 0 },
          ],
        },
        { opType: 'MatMul', inputs: ['mean', 'w'], outputs: ['mw'] },
        { opType: 'Add', inputs: ['mw', 'b'], outputs: ['logits'] },
        {
          opType: 'Softmax',
          inputs: ['logits'],
          outputs: ['scores'],
          attributes: [{ name: 'axis', int: 1 }],
        },
      ],
      initializers: [
        {
          name: 'w',
          dims: [3, 4],
          data: Float32Array.of(0.05, 0, 0, -0.02, 0, 0.05, 0, -0.02, 0, 0, 0.05, -0.02),
        },
        { name: 'b', dims: [4], data: Float32Array.of(0, 0, 0, 5) },
      ],
      inputs: [{ name: 'pixels', type: { tensor: 'uint8', shape: ['N', 'H', 'W', 3] } }],
      outputs: [{ name: 'scores', type: { tensor: 'float32', shape: ['N', 4] } }],
    },
  });
}
