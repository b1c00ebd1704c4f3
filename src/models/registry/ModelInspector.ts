import { createHash } from 'node:crypto';
import { ValidationError } from '../../errors';
import type { InferencePool } from '../../runtime/inference/InferencePool';
import type { ModelSignature } from '../../runtime/inference/readModelSignature';

/** Loads a model file with onnxruntime and reads what it takes and returns. */
export interface ModelInspector {
  /** The model's signature; a file onnxruntime refuses is a ValidationError with the runtime's reason. */
  inspect(onnx: Uint8Array, name: string): Promise<ModelSignature>;
}

/**
 * Loads each model in one of the inference pool's worker threads, so that a large or hostile file never
 * blocks the event loop of the host that is serving requests; the session stays cached in that worker
 * for the model's first runs.
 */
export class PoolModelInspector implements ModelInspector {
  constructor(private readonly pool: InferencePool) {}

  async inspect(onnx: Uint8Array, name: string): Promise<ModelSignature> {
    const key = createHash('sha256').update(onnx).digest('hex');
    try {
      return await this.pool.inspect({ key, name, onnx });
    } catch (error) {
      if (error instanceof ValidationError) throw new ValidationError(error.message, { field: 'onnx' });
      throw error;
    }
  }
}
