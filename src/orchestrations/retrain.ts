import type * as df from 'durable-functions';
import { decidePromotion } from '../training/retrain/decidePromotion';
import {
  retrainActivityNames as activity,
  type Evaluation,
  type PrepareRetrainResult,
  type PromoteResult,
  type RegisteredCandidate,
  type FinishRetrainInput,
  type RetrainInput,
  type RetrainOutcome,
  type RunPlan,
  type RunReport,
  type TrainedCandidate,
} from '../training/retrain/retrainContracts';

type Step = Generator<df.Task, RetrainOutcome, unknown>;

/**
 * One retraining run: data checks → train a candidate → evaluate it and production on the same holdout
 * → register it → promote it if the policy says so → write the report. Every outcome, including a
 * failed data check or an unexpected fault, ends in a report that says what was decided and why.
 */
export function* retrain(context: df.OrchestrationContext): Step {
  const input = context.df.getInput<RetrainInput>();
  const startedAt = context.df.currentUtcDateTime.toISOString();
  const base = {
    runId: input.runId,
    model: input.model,
    trigger: input.trigger,
    requestReason: input.overrides?.reason,
    newData: input.newData,
    startedAt,
  };
  try {
    return yield* runRetrain(context, input, base);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]?.trim() : String(error);
    const report: RunReport = {
      ...base,
      status: 'Failed',
      decision: `The run stopped on an unexpected error: ${message}`,
    };
    return (yield context.df.callActivity(activity.finish, finishInput(report, input))) as RetrainOutcome;
  }
}

type ReportBase = Pick<RunReport, 'runId' | 'model' | 'trigger' | 'requestReason' | 'newData' | 'startedAt'>;

function* runRetrain(context: df.OrchestrationContext, input: RetrainInput, base: ReportBase): Step {
  const prepared = (yield context.df.callActivity(activity.prepare, {
    ...input,
    startedAt: base.startedAt,
  })) as PrepareRetrainResult;
  if (!prepared.ok) {
    const { reason, data, checks, production, policy } = prepared;
    const report: RunReport = {
      ...base,
      status: 'Stopped',
      decision: reason,
      data,
      checks,
      policy,
      production,
      productionVersion: production?.version,
    };
    return (yield context.df.callActivity(activity.finish, finishInput(report, input))) as RetrainOutcome;
  }
  const { plan } = prepared;
  context.df.setCustomStatus({ step: 'train' });
  const candidate = (yield context.df.callActivity(activity.train, plan)) as TrainedCandidate;
  context.df.setCustomStatus({ step: 'evaluate' });
  const evaluation = (yield context.df.callActivity(activity.evaluate, { plan, candidate })) as Evaluation;
  context.df.setCustomStatus({ step: 'register' });
  const registered = (yield context.df.callActivity(activity.register, {
    plan,
    candidate,
    evaluation,
  })) as RegisteredCandidate;
  const decision = decidePromotion(plan.policy, evaluation.candidate, evaluation.production);
  let outcome: PromoteResult = {
    promoted: false,
    reason: decision.reason,
    productionVersion: plan.production?.version,
  };
  if (decision.promote) {
    context.df.setCustomStatus({ step: 'promote' });
    outcome = (yield context.df.callActivity(activity.promote, {
      runId: plan.runId,
      model: plan.model,
      version: registered.version,
      expectedProduction: plan.production?.version,
      reason: decision.reason,
      trace: plan.trace,
    })) as PromoteResult;
  }
  const report: RunReport = {
    ...base,
    status: outcome.promoted ? 'Promoted' : 'NotPromoted',
    decision: outcome.reason,
    ...planPart(plan),
    candidate: {
      version: registered.version,
      sha256: registered.sha256,
      metrics: evaluation.candidate,
      trainingMetrics: candidate.trainingMetrics,
      hyperparameters: candidate.hyperparameters,
      trainRows: candidate.trainRows,
      holdoutRows: candidate.holdoutRows,
    },
    production: evaluation.production && { ...evaluation.production, sha256: plan.production?.sha256 },
    productionVersion: outcome.productionVersion,
  };
  return (yield context.df.callActivity(activity.finish, finishInput(report, input))) as RetrainOutcome;
}

function planPart(plan: RunPlan): Pick<RunReport, 'policy' | 'data' | 'checks'> {
  return { policy: plan.policy, data: plan.data, checks: plan.checks };
}

/** The report, and the run's trace for the last step's span (data: the orchestrator records no span). */
function finishInput(report: RunReport, input: RetrainInput): FinishRetrainInput {
  return { ...report, traceParent: input.traceParent, traceState: input.traceState };
}
