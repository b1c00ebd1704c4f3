import type { InferenceSession } from 'onnxruntime-node';
import { ValidationError } from '../../errors';
import { decodeImage, writeImageTensor } from '../images/decodeImage';
import type { ImageTensorPlan } from '../images/ImageInput';
import { topClasses, type ClassScore } from '../images/topClasses';
import { runSession } from './runSession';

/** A shard of images to classify in an inference worker: their bytes (transferred) and how to feed them. */
export interface ImageClassificationJob {
  readonly images: readonly { readonly name: string; readonly bytes: Uint8Array }[];
  readonly tensor: ImageTensorPlan;
  /** The output holding one score per class for each image. */
  readonly output: string;
  readonly topK: number;
}

/** One image's top classes, or why it could not be classified (bad bytes: the image's own fault). */
export type ImageClassification =
  | { readonly name: string; readonly top: readonly ClassScore[] }
  | { readonly name: string; readonly error: string };

// Images per onnxruntime run: bounds the batch tensor (224×224×3 float32 is 600 KB per image).
const maxRunImages = 32;

/**
 * Decodes, preprocesses and classifies a shard on the calling thread (an inference worker): images
 * that do not decode are reported by name and the others still run, in batches of up to 32 per run
 * (chunked further to the model's own batch size when it fixes one).
 */
export async function classifyImages(
  session: InferenceSession,
  modelName: string,
  job: ImageClassificationJob,
): Promise<ImageClassification[]> {
  const results: ImageClassification[] = [];
  for (let start = 0; start < job.images.length; start += maxRunImages) {
    results.push(...(await classifyBatch(session, modelName, job, start)));
  }
  return results;
}

async function classifyBatch(
  session: InferenceSession,
  modelName: string,
  job: ImageClassificationJob,
  start: number,
): Promise<ImageClassification[]> {
  const { tensor } = job;
  const images = job.images.slice(start, start + maxRunImages);
  const decoded = await Promise.all(
    images.map(({ name, bytes }) =>
      decodeImage(bytes, tensor, name).catch((error: unknown) => {
        if (error instanceof ValidationError) return error;
        throw error;
      }),
    ),
  );
  const good = decoded.flatMap((pixels, i) => (pixels instanceof ValidationError ? [] : [i]));
  const size = tensor.channels * tensor.height * tensor.width;
  const data = new Float32Array(good.length * size);
  good.forEach((i, row) => writeImageTensor(decoded[i] as Buffer, tensor, data, row));
  const dims =
    tensor.layout === 'NCHW'
      ? [good.length, tensor.channels, tensor.height, tensor.width]
      : [good.length, tensor.height, tensor.width, tensor.channels];
  const scores = good.length === 0 ? undefined : await run(session, modelName, job, { data, dims });
  return images.map(({ name }, i) => {
    const pixels = decoded[i];
    if (pixels instanceof ValidationError) return { name, error: pixels.message };
    const width = scores!.data.length / good.length;
    return { name, top: topClasses(scores!.data, good.indexOf(i) * width, width, job.topK) };
  });
}

async function run(
  session: InferenceSession,
  modelName: string,
  job: ImageClassificationJob,
  input: { data: Float32Array; dims: number[] },
): Promise<{ data: ArrayLike<number> }> {
  let outputs;
  try {
    outputs = await runSession(session, { [job.tensor.input]: input }, [job.output]);
  } catch (error) {
    throw new Error(`Model "${modelName}" failed to run: ${(error as Error).message}`);
  }
  const output = outputs[job.output]!;
  if (output.dims[0] !== input.dims[0] || typeof output.data[0] === 'bigint')
    throw new ValidationError(
      `Model "${modelName}" output "${job.output}" has shape [${output.dims.join(',')}]: a classifier gives one row of numeric scores per image`,
      { field: 'outputs' },
    );
  return output as { data: ArrayLike<number> };
}
