import { createHash } from 'node:crypto';
import type { ModelRegistry, RegisteredVersion, RegistrationRequest } from '../../models';
import type { TrainedSeries } from './trainSeries';

/** Tags every many-models version carries besides its key. */
export const trainingRunTag = 'trainingRun';
/** Unique per run and key: the registration's idempotency key, so a retried call finds its earlier version. */
export const trainingKeyTag = 'trainingKey';
export const reservedTags: readonly string[] = ['algorithm', trainingRunTag, trainingKeyTag];

/** What a registered (or found) version of one key says about its training. */
export interface SeriesVersion {
  readonly version: number;
  readonly existing: boolean;
  readonly metrics: Readonly<Record<string, number>>;
  readonly alpha: number;
  readonly trainRows: number;
  readonly holdoutRows: number;
  readonly droppedRows: number;
}

export interface SeriesRegistration {
  readonly model: string;
  readonly runId: string;
  readonly key: Readonly<Record<string, string>>;
  /** `container/path` of the key's CSV. */
  readonly data: string;
  readonly dataSha256: string;
  readonly rows: number;
}

/** The `trainingKey` tag value: `<runId>/<partition path>`, hashed when longer than a tag may be. */
export function trainingKeyOf(runId: string, path: string): string {
  const plain = `${runId}/${path}`;
  return plain.length <= 200 ? plain : `${runId}/sha256:${createHash('sha256').update(path).digest('hex')}`;
}

function seriesVersionOf(found: RegisteredVersion): SeriesVersion {
  const training = (found.card.training ?? {}) as Record<string, unknown>;
  const holdout = (training.holdout ?? {}) as Record<string, unknown>;
  return {
    version: found.version,
    existing: true,
    metrics: found.metrics,
    alpha: Number(training.alpha),
    trainRows: Number(training.rows),
    holdoutRows: Number(holdout.rows),
    droppedRows: Number(training.droppedRows),
  };
}

/** One key's trained model and what its registration records. */
export interface SeriesToRegister {
  readonly trained: TrainedSeries;
  readonly registration: SeriesRegistration;
  readonly trainingKey: string;
}

/**
 * Registers keys' models under the run's model name (all of `model`, declared per `keyColumns`, so its
 * stages are per key), each with its key as tags, its
 * holdout metrics, the exact data it learned from, and what scoring needs to rebuild its inputs
 * (`forecasting`: the feature spec and the last known targets the lags look up). One registry batch:
 * one head update and a table transaction per 14 keys. Settles per key, in order.
 */
export async function registerSeriesModels(
  registry: ModelRegistry,
  model: string,
  keyColumns: readonly string[],
  series: readonly SeriesToRegister[],
): Promise<PromiseSettledResult<SeriesVersion>[]> {
  const outcomes = await registry.registerAll(
    model,
    series.map(({ trained, registration, trainingKey }) => ({
      ...seriesRequest(trained, registration, trainingKey),
      // The model is per key: one production version per key (see the registry's stage rules).
      partitionBy: keyColumns,
    })),
  );
  return outcomes.map((outcome, index): PromiseSettledResult<SeriesVersion> => {
    if (outcome.status === 'rejected') return outcome;
    const registered = outcome.value;
    // A redelivered call that raced the first one: the first registration stands.
    if (registered.existing) return { status: 'fulfilled', value: seriesVersionOf(registered) };
    const { trained } = series[index]!;
    return {
      status: 'fulfilled',
      value: {
        version: registered.version,
        existing: false,
        metrics: trained.metrics,
        alpha: trained.alpha,
        trainRows: trained.trainRows,
        holdoutRows: trained.holdoutRows,
        droppedRows: trained.droppedRows,
      },
    };
  });
}

function seriesRequest(
  trained: TrainedSeries,
  registration: SeriesRegistration,
  trainingKey: string,
): RegistrationRequest {
  const card = {
    description: `Forecast of ${trained.spec.target} for ${Object.entries(registration.key)
      .map(([name, value]) => `${name}=${value}`)
      .join(', ')}`,
    features: trained.features,
    outputs: ['variable'],
    task: 'regression',
    tags: {
      ...registration.key,
      algorithm: 'ridge',
      [trainingRunTag]: registration.runId,
      [trainingKeyTag]: trainingKey,
    },
    metrics: trained.metrics,
    training: {
      data: registration.data,
      sha256: registration.dataSha256,
      rows: trained.trainRows,
      sourceRows: registration.rows,
      target: trained.spec.target,
      holdout: { periods: trained.holdoutPeriods, rows: trained.holdoutRows },
      droppedRows: trained.droppedRows,
      alpha: trained.alpha,
      metricsOn: `holdout (the last ${trained.holdoutPeriods} ${trained.spec.frequency === 'weekly' ? 'weeks' : 'days'})`,
      trainingMetrics: trained.trainingMetrics,
    },
    forecasting: { spec: trained.spec, history: trained.history },
  };
  return {
    name: registration.model,
    onnx: Buffer.from(trained.onnx),
    card,
    producer: `trainMany run ${registration.runId}`,
    idempotencyKey: trainingKey,
  };
}
