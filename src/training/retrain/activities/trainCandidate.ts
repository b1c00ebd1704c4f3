import { createHash } from 'node:crypto';
import { computeBaseline } from '../../computeBaseline';
import { linearModelToOnnx } from '../../linearModelToOnnx';
import { logisticModelToOnnx } from '../../logisticModelToOnnx';
import { labelsOf, trainLogistic, type ClassLabel } from '../../trainLogistic';
import { trainRidge } from '../../trainRidge';
import type { TrainingTable } from '../../TrainingTable';
import { readRunData } from '../readRunData';
import type { RunPlan, TrainedCandidate } from '../retrainContracts';
import type { RetrainServices } from '../RetrainServices';
import { withRunStep } from '../retrainSpans';

/**
 * Trains the candidate on the run's training rows (ridge with cross-validated alpha for regression,
 * logistic regression for classification), exports it to ONNX and stages it in the runs container.
 * The baseline of the run's data is kept for the card, so the next run can check for drift against it.
 */
export function trainCandidate(plan: RunPlan, services: RetrainServices): Promise<TrainedCandidate> {
  return withRunStep('trainCandidate', plan, plan.trace, () => train(plan, services));
}

async function train(plan: RunPlan, services: RetrainServices): Promise<TrainedCandidate> {
  const data = await readRunData(plan, services.runs);
  const docString = `${plan.model}: retrained by run ${plan.runId} on ${plan.data.reference} (sha256 ${plan.data.sha256})`;
  const trained =
    plan.algorithm === 'ridge' ? ridge(plan, data.train, docString) : logistic(plan, data, docString);
  const onnxBlob = `${plan.model}/${plan.runId}/candidate.onnx`;
  await services.runs.write(onnxBlob, Buffer.from(trained.onnx));
  return {
    onnxBlob,
    sha256: createHash('sha256').update(trained.onnx).digest('hex'),
    outputs: trained.outputs,
    trainRows: data.train.rows,
    holdoutRows: data.holdout.rows,
    incompleteRows: data.incompleteRows,
    hyperparameters: trained.hyperparameters,
    trainingMetrics: trained.trainingMetrics,
    ...(trained.classes === undefined ? {} : { classes: trained.classes }),
    baseline: computeBaseline(data.complete, plan.features),
  };
}

interface Trained {
  readonly onnx: Uint8Array;
  readonly outputs: string[];
  readonly hyperparameters: Record<string, number>;
  readonly trainingMetrics: Record<string, number>;
  readonly classes?: ClassLabel[];
}

function ridge(plan: RunPlan, train: TrainingTable, docString: string): Trained {
  const result = trainRidge(train, {
    features: plan.features,
    target: plan.target,
    alphas: plan.hyperparameters.alphas,
    folds: plan.hyperparameters.folds,
  });
  return {
    onnx: linearModelToOnnx(result.model, { docString }),
    outputs: ['variable'],
    hyperparameters: { alpha: result.alpha },
    trainingMetrics: { ...result.trainingMetrics },
  };
}

function logistic(
  plan: RunPlan,
  data: { train: TrainingTable; complete: TrainingTable },
  docString: string,
): Trained {
  // Classes from all complete rows, so a class that happens to fall only in the holdout keeps its index.
  const classes = classOrder(labelsOf(data.complete, plan.target));
  const result = trainLogistic(data.train, {
    features: plan.features,
    target: plan.target,
    classes,
    l2: plan.hyperparameters.l2,
  });
  return {
    onnx: logisticModelToOnnx(result.model, { docString }),
    outputs: ['label', 'probabilities'],
    hyperparameters: { l2: result.l2, iterations: result.iterations },
    trainingMetrics: { ...result.trainingMetrics },
    classes,
  };
}

/** Numbers ascending, else text in code-unit order (trainLogistic's default order). */
function classOrder(labels: readonly ClassLabel[]): ClassLabel[] {
  const distinct = new Map<string, ClassLabel>();
  for (const label of labels) if (!distinct.has(String(label))) distinct.set(String(label), label);
  const values = [...distinct.values()];
  if (values.every((value) => typeof value === 'number')) return values.sort((a, b) => a - b);
  return values.map(String).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
