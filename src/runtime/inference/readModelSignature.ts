import { InferenceSession } from 'onnxruntime-node';
import { ValidationError } from '../../errors';

/** One input or output of a model. Dynamic dimensions are strings: their symbolic name, or "?" if unnamed. */
export interface ValueSignature {
  readonly name: string;
  readonly isTensor: boolean;
  /** onnxruntime's element type name (float32, int64, string, ...); undefined for non-tensors (ZipMap). */
  readonly elementType?: string;
  /** Empty when the model does not declare a shape. */
  readonly shape: readonly (number | string)[];
}

/** What a model takes and returns, as onnxruntime reads it. */
export interface ModelSignature {
  readonly model: string;
  readonly inputs: readonly ValueSignature[];
  readonly outputs: readonly ValueSignature[];
}

/**
 * Loads the model with onnxruntime-node on the calling thread and reads its inputs and outputs; a
 * model onnxruntime cannot load is a ValidationError with the runtime's reason and the model name.
 * For tools and tests: the app reads signatures from registry cards or in an inference worker
 * (InferencePool.inspect), never on the event loop.
 */
export async function readModelSignature(onnx: Uint8Array, modelName: string): Promise<ModelSignature> {
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(onnx, { graphOptimizationLevel: 'basic' });
  } catch (error) {
    throw modelLoadError(modelName, error);
  }
  try {
    return toModelSignature(modelName, session);
  } finally {
    await session.release();
  }
}

/** The signature of an open session. */
export function toModelSignature(
  modelName: string,
  session: Pick<InferenceSession, 'inputMetadata' | 'outputMetadata'>,
): ModelSignature {
  return {
    model: modelName,
    inputs: session.inputMetadata.map(toValueSignature),
    outputs: session.outputMetadata.map(toValueSignature),
  };
}

/** The error for a model onnxruntime refuses: bad input from the user's point of view, never retried. */
export function modelLoadError(modelName: string, cause: unknown): ValidationError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ValidationError(`Model "${modelName}" cannot be loaded by onnxruntime: ${reason}`, {
    field: 'model',
  });
}

function toValueSignature(metadata: InferenceSession.ValueMetadata): ValueSignature {
  if (!metadata.isTensor) return { name: metadata.name, isTensor: false, shape: [] };
  return {
    name: metadata.name,
    isTensor: true,
    elementType: metadata.type,
    shape: metadata.shape.map((dim) => (dim === '' ? '?' : dim)),
  };
}
