import { compactTime } from '../compactTime';
import type { RetrainOutcome } from '../retrainContracts';

export const newTrainingDataOrchestrator = 'newTrainingData';
/** The entity, one per model (its key), that collects the blobs arriving for that model's source. */
export const trainingDataArrivalsEntity = 'trainingDataArrivals';
export const checkNewTrainingDataActivity = 'checkNewTrainingData';

export const arrivalOperations = { arrive: 'arrive', take: 'take' } as const;

/** What the blob trigger starts, once per model and blob version. */
export interface NewTrainingDataInput {
  readonly model: string;
  /** `container/path` of the blob that arrived. */
  readonly blob: string;
  readonly etag: string;
  /** The quiet period: no new blob for this long ends a burst (TRAINING_DATA_QUIET_SECONDS). */
  readonly quietSeconds: number;
}

export interface ArriveRequest {
  readonly blob: string;
  /** When it arrived (the orchestration's time). */
  readonly at: string;
  /** The orchestration reporting it, which becomes the collector when there is none. */
  readonly instanceId: string;
}

/** `collect`: the caller is now the model's collector and must take the blobs until the entity says idle. */
export interface ArriveAnswer {
  readonly collect: boolean;
}

export interface TakeRequest {
  readonly instanceId: string;
  readonly now: string;
  readonly quietSeconds: number;
}

/**
 * `wait`: the burst goes on; ask again at `until`. `ready`: the burst is over; these blobs are the
 * caller's. `idle`: nothing is pending, and the caller is no longer the collector. `superseded`: another
 * orchestration took over as collector (this one had been silent too long).
 */
export type TakeAnswer =
  | { readonly kind: 'wait'; readonly until: string }
  | { readonly kind: 'ready'; readonly blobs: readonly string[] }
  | { readonly kind: 'idle' }
  | { readonly kind: 'superseded' };

export interface CheckNewDataInput {
  /** The check's id, which is also the id of the run it starts when the data passes. */
  readonly checkId: string;
  readonly model: string;
  /** The blobs of the burst. */
  readonly blobs: readonly string[];
  readonly startedAt: string;
}

export interface NewDataCheckResult {
  readonly checkId: string;
  readonly passed: boolean;
  readonly decision: string;
  /** `container/path` of the check's report. */
  readonly report: string;
}

/** What one collecting orchestration did: a check per burst, and the run each passed check started. */
export interface NewTrainingDataOutcome {
  readonly model: string;
  readonly collected: boolean;
  readonly bursts: readonly {
    readonly blobs: readonly string[];
    readonly check?: NewDataCheckResult;
    readonly run?: RetrainOutcome;
    readonly error?: string;
  }[];
}

/**
 * The id of a burst's data check and of the run it starts: the model, the time the burst was taken
 * (sortable), the end of the collecting orchestration's id and the burst's number in it.
 */
export function newDataRunId(model: string, takenAt: Date, instanceId: string, burst: number): string {
  return `${model}-data-${compactTime(takenAt)}-${instanceId.slice(-6)}${burst}`;
}
