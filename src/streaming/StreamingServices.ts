import type { DataContainers } from '../storage/DataContainers';
import type { StorageClients } from '../storage/StorageClients';
import type { ModelStore } from '../runtime/models/ModelStore';
import type { ModelLoader } from '../runtime/models/ModelLoader';
import type { ModelRunner } from '../runtime/inference/ModelRunner';
import type { DriftStore } from '../runtime/drift/DriftStore';
import type { PartitionTails } from './PartitionTails';
import type { StreamDefinition } from './StreamDefinition';
import type { StreamModels } from './StreamModels';
import type { StreamStore } from './StreamStore';
import type { LandingCache } from './windows/LandingCache';
import type { StreamWindowStore } from './windows/StreamWindowStore';
import type { WindowTracker } from './windows/WindowTracker';

/** What the streaming feature needs, built at the composition root from the kernel. */
export interface StreamingServices {
  readonly storage: StorageClients;
  readonly store: ModelStore;
  /** Loads the version a window pinned (checked against its SHA-256). */
  readonly loader: ModelLoader;
  readonly runner: ModelRunner;
  readonly models: StreamModels;
  readonly streams: StreamStore;
  readonly windows: StreamWindowStore;
  /** The `drift` table: each committed window's drift per feature and output. */
  readonly drift: DriftStore;
  readonly tracker: WindowTracker;
  /** The hubs' partition tails, for the streams' lag. */
  readonly tails: PartitionTails;
  readonly containers: DataContainers;
  /** The container outputs go to when a definition names none. */
  readonly outputContainer: string;
  /** Keys per scoring shard of a window. */
  readonly windowShardRows: number;
  readonly definitions: readonly StreamDefinition[];
  /** Landings this process wrote, for its windows' aggregates; absent: they are read from storage. */
  readonly landings?: LandingCache;
}
