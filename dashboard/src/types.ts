// The shapes of the app's JSON answers, as far as the pages read them.

export interface Job {
  jobId: string;
  status: string;
  source: string;
  createdTime: string;
  startedTime?: string;
  completedTime?: string;
  reason?: string;
  model?: string;
  modelVersion?: string;
  input: string;
  output?: string;
  manifest?: string;
  partitions?: number;
  totalRows?: number;
  scoredRows?: number;
  badRows?: number;
  driftStatus?: string;
}

export interface Partition {
  index: number;
  status: string;
  firstRow: number;
  rows: number;
  badRows?: number;
  attempt?: number;
  startedTime?: string;
  completedTime?: string;
  durationMs?: number;
  error?: string;
}

export interface JobView extends Job {
  progress: {
    partitions: number;
    partitionsDone: number;
    partitionsFailed: number;
    scoredRows: number;
    badRows: number;
  };
  partitionDetails: Partition[];
}

export interface JobOutput {
  manifest?: unknown;
  errorsBlob?: string;
  errors: unknown[];
  moreErrors?: boolean;
}

export interface ModelOverview {
  name: string;
  latestVersion: number;
  production?: number;
  staging?: number;
}

export interface ModelVersion {
  version: number;
  stage: string;
  createdAt: string;
  tags: Record<string, string>;
  metrics: Record<string, number>;
  description?: string;
  producer?: string;
  trainingData?: string;
  bytes: number;
  sha256: string;
}

export interface ModelDetail extends ModelOverview {
  versions: ModelVersion[];
  audit: {
    sequence: number;
    action: string;
    version: number;
    stage: string;
    previousStage: string;
    by: string;
    reason: string;
    at: string;
  }[];
}

export interface Run {
  runId: string;
  model: string;
  trigger: string;
  status: string;
  startedAt: string;
  completedAt?: string;
  requestReason?: string;
  decision?: string;
  candidateVersion?: number;
  productionVersion?: number;
  metric?: string;
  candidateValue?: number;
  productionValue?: number;
  dataReference?: string;
}

export interface DataCheck {
  name?: string;
  check?: string;
  column?: string;
  status?: string;
  passed?: boolean;
  severity?: string;
  message?: string;
  [field: string]: unknown;
}

export interface RunView extends Run {
  runtimeStatus?: string;
  report?: {
    decision: string;
    policy?: { metric?: string; [field: string]: unknown };
    checks?: { passed: boolean; checks: DataCheck[] };
    candidate?: {
      version?: number;
      metrics?: Record<string, number>;
      trainingMetrics: Record<string, number>;
      trainRows: number;
      holdoutRows: number;
    };
    production?: { version?: number; metrics?: Record<string, number>; [field: string]: unknown };
  };
}

export interface DriftFeature {
  name: string;
  kind: 'input' | 'prediction';
  psi: number;
  ks?: number;
  status: string;
}

export interface DriftRecord {
  source: 'job' | 'window';
  id: string;
  modelVersion?: string | number;
  completedTime: string;
  status: string;
  rows?: number;
  threshold?: { psiWarning: number; psiBreach: number };
  reason?: string;
  features: DriftFeature[];
}

export interface StreamSummary {
  name: string;
  mode: string;
  hub: string;
  model: string;
  eventsIn?: number;
  scoredEvents?: number;
  badEvents?: number;
}

export interface StreamPartition {
  partitionId: string;
  eventsIn: number;
  scoredEvents: number;
  badEvents: number;
  lastSequenceNumber: number;
  lastBatchAt: string | null;
  lag: number | null;
  eventsPerSecond: { lastMinute: number; sinceFirstBatch: number | null };
}

export interface StreamWindow {
  windowStart: string;
  windowEnd: string;
  state: string;
  version?: number;
  eventsIn?: number;
  keys?: number;
  scoredRows?: number;
  alertRows?: number;
  lateEvents?: number;
  closeToCommitMs?: number;
}

export interface Instance {
  instanceId: string;
  name: string;
  runtimeStatus: string;
  createdTime: string;
  lastUpdatedTime: string;
  customStatus?: unknown;
}

export interface InstanceDetail extends Instance {
  input?: unknown;
  output?: unknown;
  history: Record<string, unknown>[];
}

export interface LiveMetrics {
  model: string;
  metric: string;
  bucket: string;
  points: { version: number; bucket: string; n: number; value: number }[];
}
