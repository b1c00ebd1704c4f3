/**
 * Batch scoring's public surface: what another feature may use to plug a way of choosing models into
 * scoring jobs (a ModelStrategy), and the job vocabulary it needs; the jobs table, for the features
 * that read finished jobs' outputs (feedback). Everything else in this folder is scoring's own.
 */
export type { JobPlan, ModelPlan } from './jobContracts';
export type { ModelPlanRequest, ModelStrategy } from './ModelStrategy';
export type { KeyedModelSpec, ModelSpec, ResolvedJobSpec } from './resolveJobSpec';
export { JobStore, type JobRecord } from './JobStore';
