import type { StorageClients } from '../storage/StorageClients';
import type { TestFaults } from './faults/TestFaults';
import type { FormatRegistry } from './formats/FormatPorts';
import type { ModelRunner } from './inference/ModelRunner';
import type { ModelLoader } from './models/ModelLoader';
import type { ModelStore } from './models/ModelStore';

/** The kernel's services, built once at the composition root and shared by every feature. */
export interface RuntimeServices {
  readonly storage: StorageClients;
  /** Readers and writers of every data format. */
  readonly formats: FormatRegistry;
  /** Resolves references through the store and loads pinned versions, their SHA-256 checked. */
  readonly models: ModelLoader;
  /** Where models come from (the registry, wired in by the composition root). */
  readonly store: ModelStore;
  /** Runs models in the worker pool. */
  readonly runner: ModelRunner;
  /** Test-only injected faults; none in production. */
  readonly faults: TestFaults;
}
