import { createHash } from 'node:crypto';
import { ValidationError } from '../../errors';
import type { InferencePool } from '../../runtime/inference/InferencePool';
import type { ModelSignature } from '../../runtime/inference/readModelSignature';

/** Loads a model file with onnxruntime and reads what it takes and returns. */
export interface ModelInspector {
  /** The model's signature; a file onnxruntime refuses is a ValidationError with the runtime's reason. */
  inspect(onnx: Uint8Array, name: string): Promise<ModelSignature>;
  /** Several models' signatures at once (a batch of keys' models), each settled on its own. */
  inspectAll(models: readonly Uint8Array[], name: string): Promise<PromiseSettledResult<ModelSignature>[]>;
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

  /** One worker task for the whole batch: a task per model costs more in messages than small models take to load. */
  async inspectAll(
    models: readonly Uint8Array[],
    name: string,
  ): Promise<PromiseSettledResult<ModelSignature>[]> {
    const outcomes = await this.pool.inspectAll(models.map((onnx) => ({ name, onnx })));
    return outcomes.map((outcome) =>
      outcome.ok
        ? { status: 'fulfilled', value: outcome.signature }
        : { status: 'rejected', reason: new ValidationError(outcome.message, { field: 'onnx' }) },
    );
  }
}
