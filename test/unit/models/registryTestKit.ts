import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { ModelRegistry, type ModelRegistryOptions } from '../../../src/models/registry/ModelRegistry';
import { PoolModelInspector } from '../../../src/models/registry/ModelInspector';
import { InferencePool } from '../../../src/runtime/inference/InferencePool';
import { StorageClients } from '../../../src/storage/StorageClients';
import { encodeOnnxModel } from '../../../src/training/onnx/encodeOnnxModel';
import { uniqueName } from '../../support/testStorage';

const repoRoot = path.join(__dirname, '../../..');

// One inference thread checks the models every registry of a test file registers.
const inspectorPool = new InferencePool({ size: 1 });
afterAll(() => inspectorPool.close());

/** The registry's model check, as the app builds it (on an inference pool). */
export function testInspector(): PoolModelInspector {
  return new PoolModelInspector(inspectorPool);
}

export const diabetesOnnx = readFileSync(path.join(repoRoot, 'models/diabetes/model.onnx'));
export const diabetesCard = JSON.parse(
  readFileSync(path.join(repoRoot, 'models/diabetes/model.json'), 'utf8'),
) as Record<string, unknown>;

/** A registry's options a test may set. */
export type TestRegistryOptions = Pick<ModelRegistryOptions, 'maxRowModelBytes'>;

/**
 * A registry on the test run's Azurite with a table and container of its own. `maxRowModelBytes: 0`
 * keeps every version's files in blobs (the test models are small enough for the version row).
 */
export function testRegistry(
  storage = new StorageClients(process.env.TEST_STORAGE_CONNECTION ?? ''),
  options: TestRegistryOptions = {},
) {
  const table = uniqueName('reg');
  const container = uniqueName('reg');
  return { registry: registryOn(storage, table, container, options), storage, table, container };
}

/** Another registry on the same table and container (as another process would have). */
export function registryOn(
  storage: StorageClients,
  table: string,
  container: string,
  options: TestRegistryOptions = {},
): ModelRegistry {
  return new ModelRegistry({ storage, table, container, inspector: testInspector(), ...options });
}

/** A valid model y = x · w (float32 [N,3] → [N,1]); each `seed` gives other weights, so other bytes. */
export function linearModel(seed: number): Buffer {
  return Buffer.from(
    encodeOnnxModel({
      opsets: [{ domain: '', version: 13 }],
      producerName: 'registry tests',
      graph: {
        name: 'linear',
        nodes: [{ opType: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }],
        initializers: [{ name: 'w', dims: [3, 1], data: Float32Array.of(seed, seed + 1, seed + 2) }],
        inputs: [{ name: 'x', type: { tensor: 'float32', shape: ['N', 3] } }],
        outputs: [{ name: 'y', type: { tensor: 'float32', shape: ['N', 1] } }],
      },
    }),
  );
}

/**
 * Storage whose tables hold the first transactions until `parties` of them are waiting, then let them
 * all go (later ones pass at once): each caller has read the model's rows before any of them writes,
 * the worst case of a race.
 */
export class BarrierStorage extends StorageClients {
  readonly #waiting: (() => void)[] = [];
  #released = false;

  constructor(private readonly parties: number) {
    super(process.env.TEST_STORAGE_CONNECTION ?? '');
  }

  override async table(name: string): Promise<TableClient> {
    const client = await super.table(name);
    const barrier = this.#waiting;
    const parties = this.parties;
    return Object.assign(Object.create(client) as TableClient, {
      submitTransaction: async (actions: TransactionAction[]) => {
        if (!this.#released)
          await new Promise<void>((resolve) => {
            barrier.push(resolve);
            if (barrier.length < parties) return;
            this.#released = true;
            for (const release of barrier.splice(0)) release();
          });
        return client.submitTransaction(actions);
      },
    });
  }
}
