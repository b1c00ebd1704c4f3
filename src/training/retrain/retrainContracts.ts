import type { TraceCarrier } from '../../telemetry';
import type { DataCheckReport } from '../checkTrainingData';
import type { TrainingBaseline } from '../computeBaseline';
import type { ClassLabel } from '../trainLogistic';
import type { PromotionPolicy, ProductionResult } from './decidePromotion';
import type { RetrainOverrides } from './RetrainDeclaration';

export const retrainOrchestrator = 'retrain';

export const retrainActivityNames = {
  prepare: 'prepareRetrain',
  train: 'trainCandidate',
  evaluate: 'evaluateRetrainModels',
  register: 'registerCandidate',
  promote: 'promoteCandidate',
  finish: 'finishRetrain',
} as const;

export type RetrainTrigger = 'schedule' | 'http' | 'data' | 'drift';

/** Why a `data` run started: the burst of blobs that arrived, and the data check they passed. */
export interface NewDataCause {
  /** The id of the data check (GET /api/models/{name}/data-checks/{check}). */
  readonly check: string;
  /** `container/path` of each blob of the burst. */
  readonly blobs: readonly string[];
}

/**
 * What starts a `retrain` orchestration; its instance id is the run id. The trace is the `traceparent`
 * of the run's span (`retrain run`), so that every step's span joins the run's trace.
 */
export interface RetrainInput extends TraceCarrier {
  readonly runId: string;
  readonly model: string;
  readonly trigger: RetrainTrigger;
  readonly requestedBy?: string;
  readonly overrides?: RetrainOverrides;
  /** Set for trigger `data`. */
  readonly newData?: NewDataCause;
}

export interface PrepareRetrainInput extends RetrainInput {
  /** The orchestration's start time (from its history, so replays agree). */
  readonly startedAt: string;
}

/** The exact data a run trained on: where it came from, and the snapshot the run's steps read. */
export interface TrainingDataRef {
  /** The declared source, e.g. `file data/diabetes.csv` or `blob training/diabetes.csv`. */
  readonly reference: string;
  /** `container/path` of the copy taken at the start of the run. */
  readonly snapshot: string;
  /** Hex SHA-256 of the source bytes (and of the snapshot). */
  readonly sha256: string;
  readonly rows: number;
}

/** Everything decided before training, passed to each later step. */
export interface RunPlan {
  readonly runId: string;
  readonly model: string;
  readonly trigger: RetrainTrigger;
  readonly reason?: string;
  readonly startedAt: string;
  readonly task: 'regression' | 'classification';
  readonly algorithm: 'ridge' | 'logistic';
  readonly features: readonly string[];
  readonly target: string;
  readonly data: TrainingDataRef;
  readonly holdout: { readonly fraction: number; readonly seed: number };
  readonly hyperparameters: {
    readonly alphas?: readonly number[];
    readonly folds?: number;
    readonly l2?: number;
  };
  readonly policy: PromotionPolicy;
  /** The production version when the run started; the one the candidate is compared with. */
  readonly production?: { readonly version: number; readonly sha256: string };
  /** Card fields carried over to the candidate (description, tags, retraining and drift declarations). */
  readonly inherited: {
    readonly description?: string;
    readonly tags: Readonly<Record<string, string>>;
    readonly retraining: unknown;
    /** The card's `drift` (thresholds, retrainOnBreach). */
    readonly drift?: unknown;
  };
  readonly checks: DataCheckReport;
  /** The run's trace (its `retrain run` span), the parent of each later step's span. */
  readonly trace?: TraceCarrier;
}

export type PrepareRetrainResult =
  | { readonly ok: true; readonly plan: RunPlan }
  | {
      readonly ok: false;
      readonly reason: string;
      readonly data?: TrainingDataRef;
      readonly checks?: DataCheckReport;
      readonly production?: { readonly version: number; readonly sha256: string };
      readonly policy?: PromotionPolicy;
    };

/** A trained candidate, staged as `<runs container>/<model>/<runId>/candidate.onnx`. */
export interface TrainedCandidate {
  readonly onnxBlob: string;
  readonly sha256: string;
  readonly outputs: readonly string[];
  readonly trainRows: number;
  readonly holdoutRows: number;
  /** Rows left out of training and evaluation because a feature or the target was missing. */
  readonly incompleteRows: number;
  readonly hyperparameters: Readonly<Record<string, number>>;
  readonly trainingMetrics: Readonly<Record<string, number>>;
  readonly classes?: readonly ClassLabel[];
  readonly baseline: TrainingBaseline;
}

export interface EvaluateInput {
  readonly plan: RunPlan;
  readonly candidate: TrainedCandidate;
}

/** Both models scored by onnxruntime on the same holdout rows. */
export interface Evaluation {
  readonly holdoutRows: number;
  readonly candidate: Readonly<Record<string, number>>;
  readonly production?: ProductionResult;
  /** The candidate's holdout predictions per output: the card's `training.predictionBaseline`. */
  readonly predictionBaseline?: TrainingBaseline;
}

export interface RegisterInput extends EvaluateInput {
  readonly evaluation: Evaluation;
}

export interface RegisteredCandidate {
  readonly version: number;
  readonly sha256: string;
}

export interface PromoteInput {
  readonly runId: string;
  readonly model: string;
  readonly version: number;
  /** Production when the run started: a promotion made meanwhile by someone else is not overridden. */
  readonly expectedProduction?: number;
  readonly reason: string;
  /** The run's trace. */
  readonly trace?: TraceCarrier;
}

export interface PromoteResult {
  readonly promoted: boolean;
  readonly reason: string;
  /** The production version after this step. */
  readonly productionVersion?: number;
}

export type RunStatus = 'Running' | 'Promoted' | 'NotPromoted' | 'Stopped' | 'Failed';

/** The run report (`<runs container>/<model>/<runId>.json`), summarised in the `trainingRuns` table. */
export interface RunReport {
  readonly runId: string;
  readonly model: string;
  readonly trigger: RetrainTrigger;
  readonly requestReason?: string;
  /** For trigger `data`: the blobs that started the run and the check they passed. */
  readonly newData?: NewDataCause;
  readonly status: Exclude<RunStatus, 'Running'>;
  /** What was decided and why. */
  readonly decision: string;
  readonly startedAt: string;
  readonly policy?: PromotionPolicy;
  readonly data?: TrainingDataRef;
  readonly checks?: DataCheckReport;
  readonly candidate?: {
    readonly version?: number;
    readonly sha256: string;
    readonly metrics?: Readonly<Record<string, number>>;
    readonly trainingMetrics: Readonly<Record<string, number>>;
    readonly hyperparameters: Readonly<Record<string, number>>;
    readonly trainRows: number;
    readonly holdoutRows: number;
  };
  readonly production?: ProductionResult & { readonly sha256?: string };
  /** The production version after the run. */
  readonly productionVersion?: number;
}

/** The last step's input: the report, and the run's trace (not written into the report). */
export type FinishRetrainInput = RunReport & TraceCarrier;

export interface RetrainOutcome {
  readonly runId: string;
  readonly model: string;
  readonly status: RunReport['status'];
  readonly decision: string;
  readonly report: string;
  readonly candidateVersion?: number;
  readonly productionVersion?: number;
}
