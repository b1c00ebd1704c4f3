import type { ModelLoader } from '../runtime/models/ModelLoader';
import type { JobStore } from '../scoring';
import type { StorageClients } from '../storage/StorageClients';
import type { FeedbackStore } from './FeedbackStore';

/** What the feedback edges need, built once at the composition root. */
export interface FeedbackServices {
  readonly storage: StorageClients;
  /** The finished jobs whose outputs feedback joins with. */
  readonly jobs: JobStore;
  /** The model's card (task, target) by name. */
  readonly models: ModelLoader;
  readonly store: FeedbackStore;
  /** The drop container of the feedback blob trigger (files `<model>/<anything>.csv`). */
  readonly dropContainer: string;
  /** Jobs completed this many days before a batch arrived are joined with it. */
  readonly windowDays: number;
  /** The largest feedback file or request body. */
  readonly maxBytes: number;
}
