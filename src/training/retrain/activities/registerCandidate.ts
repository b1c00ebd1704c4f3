import { NotFoundError } from '../../../errors';
import type { RegisterInput, RegisteredCandidate } from '../retrainContracts';
import type { RetrainServices } from '../RetrainServices';
import { withRunStep } from '../retrainSpans';

/** The tag that ties a registered version to the run that trained it. */
export const trainingRunTag = 'trainingRun';

/**
 * Registers the candidate (stage None) with its holdout metrics, the exact training data (reference,
 * SHA-256, snapshot, rows), the data and holdout-prediction baselines, the parent production version and the run that made it.
 * A redelivered step finds the version tagged with its run id instead of registering a second one.
 */
export function registerCandidate(
  input: RegisterInput,
  services: RetrainServices,
): Promise<RegisteredCandidate> {
  return withRunStep('registerCandidate', input.plan, input.plan.trace, () => register(input, services));
}

async function register(input: RegisterInput, services: RetrainServices): Promise<RegisteredCandidate> {
  const { plan, candidate, evaluation } = input;
  const existing = await services.registry
    .resolve({ name: plan.model, tags: { [trainingRunTag]: plan.runId } })
    .catch((error: unknown) => {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    });
  if (existing) return { version: existing.version, sha256: existing.sha256 };
  const onnx = await services.runs.read(candidate.onnxBlob);
  const card = {
    description: plan.inherited.description,
    features: plan.features,
    outputs: candidate.outputs,
    task: plan.task,
    tags: { ...plan.inherited.tags, algorithm: plan.algorithm, [trainingRunTag]: plan.runId },
    metrics: evaluation.candidate,
    training: {
      data: plan.data.reference,
      sha256: plan.data.sha256,
      snapshot: plan.data.snapshot,
      rows: candidate.trainRows,
      target: plan.target,
      holdout: { ...plan.holdout, rows: candidate.holdoutRows },
      incompleteRows: candidate.incompleteRows,
      ...candidate.hyperparameters,
      metricsOn: 'holdout',
      trainingMetrics: candidate.trainingMetrics,
      ...(candidate.classes === undefined ? {} : { classes: candidate.classes }),
      baseline: candidate.baseline,
      ...(evaluation.predictionBaseline === undefined
        ? {}
        : { predictionBaseline: evaluation.predictionBaseline }),
    },
    parentVersion: plan.production?.version,
    retraining: plan.inherited.retraining,
    drift: plan.inherited.drift,
  };
  const registered = await services.registry.register({
    name: plan.model,
    onnx,
    card,
    producer: `retrain run ${plan.runId}`,
  });
  return { version: registered.version, sha256: registered.sha256 };
}
