import { createHash } from 'node:crypto';
import { NotFoundError, ValidationError } from '../../../errors';
import type { ModelCard } from '../../../runtime/models/ModelCard';
import type { LoadedModel } from '../../../runtime/models/LoadedModel';
import { checkTrainingData, type DataCheckReport } from '../../checkTrainingData';
import { parseTrainingBaseline, type TrainingBaseline } from '../../computeBaseline';
import type { PromotionPolicy } from '../decidePromotion';
import { parseTrainingCsv } from '../parseTrainingCsv';
import { readTrainingSource } from '../readTrainingSource';
import {
  describeSource,
  effectivePolicy,
  retrainDeclarationOf,
  type RetrainDeclaration,
} from '../RetrainDeclaration';
import type { PrepareRetrainInput, PrepareRetrainResult, TrainingDataRef } from '../retrainContracts';
import type { RetrainServices } from '../RetrainServices';
import { withRunStep } from '../retrainSpans';

/** What is known so far, so that a stopped run's report still says it. */
interface KnownSoFar {
  data?: TrainingDataRef;
  checks?: DataCheckReport;
  production?: { version: number; sha256: string };
  policy?: PromotionPolicy;
}

/**
 * The run's first step: records the run, finds the production version and the card that declares the
 * training source, snapshots the data (so every later step reads the same bytes) and checks it against
 * the production baseline. Anything that must stop the run (no declaration, a failed check, a bad
 * setting) comes back as `ok: false` with the reason, not as an error.
 */
export function prepareRetrain(
  input: PrepareRetrainInput,
  services: RetrainServices,
): Promise<PrepareRetrainResult> {
  return withRunStep('prepareRetrain', input, input, () => prepare(input, services));
}

async function prepare(input: PrepareRetrainInput, services: RetrainServices): Promise<PrepareRetrainResult> {
  await services.runs.start({
    runId: input.runId,
    model: input.model,
    trigger: input.trigger,
    startedAt: input.startedAt,
    requestReason: input.overrides?.reason,
  });
  const known: KnownSoFar = {};
  try {
    return await plan(input, services, known);
  } catch (error) {
    if (!(error instanceof ValidationError || error instanceof NotFoundError)) throw error;
    return { ok: false, reason: error.message, ...known };
  }
}

async function plan(
  input: PrepareRetrainInput,
  services: RetrainServices,
  known: KnownSoFar,
): Promise<PrepareRetrainResult> {
  const production = await productionModel(input.model, services);
  const card = production?.card ?? (await services.registry.version(input.model)).card;
  const where = `${input.model}@${production?.version ?? card.version}`;
  if (production) known.production = { version: Number(production.version), sha256: production.sha256 };
  const declaration = retrainDeclarationOf(card, where);
  if (declaration === undefined)
    return stop(
      `Model ${where} declares no training source: add "retraining": { "source": { "blob": "container/path.csv" } } (or { "file": ... }) to its card.`,
      known,
    );
  const task = card.task ?? 'regression';
  const algorithm = algorithmOf(card, task);
  const features = card.features;
  if (features === undefined)
    return stop(`Model ${where}: its card lists no "features", so there is nothing to train on.`, known);
  const target = declaration.target ?? targetOf(card);
  if (target === undefined)
    return stop(
      `Model ${where}: name the label column in "retraining.target" (or "training.target").`,
      known,
    );
  const policy = effectivePolicy(task, declaration.policy, input.overrides?.policy);
  known.policy = policy;
  const bytes = await readTrainingSource(declaration.source, {
    storage: services.storage,
    containers: services.containers,
    filesDirectory: services.config.trainingFilesDirectory,
    feedback: { model: input.model, reader: services.feedback },
  });
  const snapshot = `${input.model}/${input.runId}/data.csv`;
  await services.runs.write(snapshot, bytes, 'text/csv');
  const reference = describeSource(declaration.source, input.model);
  const table = parseTrainingCsv(bytes.toString('utf8'), reference);
  known.data = {
    reference,
    snapshot: `${services.runs.container}/${snapshot}`,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    rows: table.rows,
  };
  const checks = checkTrainingData(
    table,
    {
      ...declaration.checks,
      features,
      target,
      targetKind: task === 'classification' ? 'categorical' : 'numeric',
    },
    baselineOf(production?.card, where),
  );
  known.checks = checks;
  if (!checks.passed) {
    const failed = checks.checks.filter((check) => check.status === 'failed').map((check) => check.message);
    return stop(`Data checks failed, so nothing was trained: ${failed.join(' ')}`, known);
  }
  return {
    ok: true,
    plan: {
      runId: input.runId,
      model: input.model,
      trigger: input.trigger,
      reason: input.overrides?.reason,
      startedAt: input.startedAt,
      trace: { traceParent: input.traceParent, traceState: input.traceState },
      task,
      algorithm,
      features,
      target,
      data: known.data,
      holdout: holdoutOf(declaration, input),
      hyperparameters: {
        alphas: input.overrides?.alphas ?? declaration.alphas,
        folds: declaration.folds,
        l2: input.overrides?.l2 ?? declaration.l2,
      },
      policy,
      production: known.production,
      inherited: {
        description: card.description,
        tags: card.tags,
        retraining: card.retraining,
        ...(card.drift === undefined ? {} : { drift: card.drift }),
      },
      checks,
    },
  };
}

/** The production version, or undefined when the model has none (a bundled model is registered first). */
export async function productionModel(
  name: string,
  services: RetrainServices,
): Promise<LoadedModel | undefined> {
  try {
    return await services.models.resolve({ name, stage: 'Production' });
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    if (!(await services.registry.exists(name))) throw error;
    return undefined;
  }
}

function algorithmOf(card: ModelCard, task: 'regression' | 'classification'): 'ridge' | 'logistic' {
  const declared = card.tags.algorithm;
  const expected = task === 'regression' ? 'ridge' : 'logistic';
  if (declared === undefined || declared === expected) return expected;
  throw new ValidationError(
    `Model ${card.name}: its card says algorithm "${declared}" for a ${task} task; the built-in trainer for ${task} is ${expected}.`,
    { field: 'tags.algorithm' },
  );
}

/** The label column the card's `training.target` names, if any. */
export function targetOf(card: ModelCard): string | undefined {
  const target = card.training?.target;
  return typeof target === 'string' && target !== '' ? target : undefined;
}

/** The card's `training.baseline` (parsed, so a bad one is a ValidationError), if it has one. */
export function baselineOf(card: ModelCard | undefined, where: string): TrainingBaseline | undefined {
  const baseline = card?.training?.baseline;
  return baseline === undefined ? undefined : parseTrainingBaseline(baseline, `the card of ${where}`);
}

function holdoutOf(declaration: RetrainDeclaration, input: PrepareRetrainInput) {
  return {
    fraction: input.overrides?.holdout?.fraction ?? declaration.holdout?.fraction ?? 0.2,
    seed: input.overrides?.holdout?.seed ?? declaration.holdout?.seed ?? 0,
  };
}

function stop(reason: string, known: KnownSoFar): PrepareRetrainResult {
  return { ok: false, reason, ...known };
}
