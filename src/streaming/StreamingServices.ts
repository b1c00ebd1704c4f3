import type { DataContainers } from '../storage/DataContainers';
import type { StorageClients } from '../storage/StorageClients';
import type { ModelStore } from '../runtime/models/ModelStore';
import type { ModelRunner } from '../runtime/inference/ModelRunner';
import type { StreamDefinition } from './StreamDefinition';
import type { StreamModels } from './StreamModels';
import type { StreamStore } from './StreamStore';

/** What the streaming feature needs, built at the composition root from the kernel. */
export interface StreamingServices {
  readonly storage: StorageClients;
  readonly store: ModelStore;
  readonly runner: ModelRunner;
  readonly models: StreamModels;
  readonly streams: StreamStore;
  readonly containers: DataContainers;
  /** The container outputs go to when a definition names none. */
  readonly outputContainer: string;
  readonly definitions: readonly StreamDefinition[];
}
