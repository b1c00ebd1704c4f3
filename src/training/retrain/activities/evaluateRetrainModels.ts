import { createHash } from 'node:crypto';
import { ValidationError } from '../../../errors';
import { computePredictionBaseline } from '../../computeBaseline';
import { parseModelCard } from '../../../runtime/models/ModelCard';
import type { LoadedModel } from '../../../runtime/models/LoadedModel';
import type { ClassLabel } from '../../trainLogistic';
import type { ProductionResult } from '../decidePromotion';
import { readRunData } from '../readRunData';
import type { Evaluation, EvaluateInput, RunPlan } from '../retrainContracts';
import type { RetrainServices } from '../RetrainServices';
import { withRunStep } from '../retrainSpans';
import { scoreHoldout } from '../scoreHoldout';

/**
 * Scores the candidate and the production version on the same holdout rows, both through onnxruntime;
 * the candidate's holdout predictions become its prediction baseline.
 * A production model that cannot be scored on this data (a column it needs is gone, its file fails its
 * check) is reported with the reason instead of failing the run.
 */
export function evaluateRetrainModels(input: EvaluateInput, services: RetrainServices): Promise<Evaluation> {
  return withRunStep('evaluateRetrainModels', input.plan, input.plan.trace, () => evaluate(input, services));
}

async function evaluate(input: EvaluateInput, services: RetrainServices): Promise<Evaluation> {
  const { plan, candidate } = input;
  const { holdout } = await readRunData(plan, services.runs);
  const onnx = await services.runs.read(candidate.onnxBlob);
  if (createHash('sha256').update(onnx).digest('hex') !== candidate.sha256)
    throw new ValidationError(`The staged candidate ${candidate.onnxBlob} is not the file the run trained.`);
  // Not registered yet: version 0 stands for "no version", and errors name the run instead.
  const candidateModel: LoadedModel = {
    name: plan.model,
    version: 0,
    sha256: candidate.sha256,
    onnx,
    card: parseModelCard(
      { name: plan.model, version: 1, features: plan.features, outputs: candidate.outputs },
      `the candidate of run ${plan.runId}`,
    ),
  };
  const task = { task: plan.task, target: plan.target, classes: candidate.classes };
  const scored = await scoreHoldout(services.runner, candidateModel, holdout, task, {
    label: `${plan.model} (candidate of run ${plan.runId})`,
  });
  return {
    holdoutRows: holdout.rows,
    candidate: scored.metrics,
    predictionBaseline: computePredictionBaseline(scored.outputs, holdout.rows),
    production: plan.production && (await evaluateProduction(plan, services, holdout, candidate.classes)),
  };
}

async function evaluateProduction(
  plan: RunPlan,
  services: RetrainServices,
  holdout: Awaited<ReturnType<typeof readRunData>>['holdout'],
  candidateClasses: readonly ClassLabel[] | undefined,
): Promise<ProductionResult> {
  const version = plan.production?.version ?? 0;
  try {
    const model = await services.models.resolve({ name: plan.model, version });
    const declared = model.card?.training?.classes;
    const classes = Array.isArray(declared) ? (declared as ClassLabel[]) : candidateClasses;
    const { metrics } = await scoreHoldout(services.runner, model, holdout, {
      task: plan.task,
      target: plan.target,
      classes,
    });
    return { version, metrics };
  } catch (error) {
    return { version, error: error instanceof Error ? error.message : String(error) };
  }
}
