import type { WorkDispatcher } from '../../dispatch/workContracts';
import type { ModelStore } from '../../runtime/models/ModelStore';
import type { DataContainers } from '../../storage/DataContainers';
import type { StorageClients } from '../../storage/StorageClients';
import type { VideoDefaults } from './VideoJobSpec';
import type { VideoJobStore } from './VideoJobStore';

/** What the video job's edges and activities need, built once by the composition root. */
export interface VideoJobServices {
  readonly storage: StorageClients;
  readonly jobs: VideoJobStore;
  readonly containers: DataContainers;
  readonly defaults: VideoDefaults;
  /** Frames, audio and styled frames of running jobs; an app container no job may name. */
  readonly workContainer: string;
  readonly store: ModelStore;
  readonly dispatcher: () => WorkDispatcher;
}
