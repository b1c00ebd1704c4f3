import { createHash } from 'node:crypto';
import { parseTrainingCsv } from '../../training';
import type { WorkerModule, WorkerPool } from '../../runtime/workers/WorkerPool';
import { trainSeries, type SeriesTrainingOptions, type TrainedSeries } from './trainSeries';

/** One key's training: its CSV bytes, where they came from (for messages), the options and its label. */
export interface SeriesTrainingRequest {
  readonly csv: Uint8Array;
  /** `container/path` of the CSV. */
  readonly data: string;
  readonly training: SeriesTrainingOptions;
  readonly label: string;
}

export interface SeriesTrainingResult {
  readonly trained: TrainedSeries;
  /** Data rows in the CSV. */
  readonly rows: number;
  /** SHA-256 of the CSV bytes. */
  readonly sha256: string;
}

/** Trains one key's model from its CSV; bad data is a ValidationError naming the key, row and field. */
export interface SeriesTrainer {
  train(request: SeriesTrainingRequest): Promise<SeriesTrainingResult>;
}

/** Parses the CSV (the columns the features use) and trains the key's forecaster: the CPU-bound part of a key's training. */
export function trainSeriesFile(request: SeriesTrainingRequest): SeriesTrainingResult {
  const csv = Buffer.from(request.csv.buffer, request.csv.byteOffset, request.csv.byteLength);
  const { time, target, price, promotion } = request.training;
  const used = [time, target, price, promotion].filter((column): column is string => column !== undefined);
  const table = parseTrainingCsv(csv.toString('utf8'), request.data, used);
  return {
    trained: trainSeries(table, request.training, request.label),
    rows: table.rows,
    sha256: createHash('sha256').update(csv).digest('hex'),
  };
}

const trainingModule: WorkerModule = {
  directory: __dirname,
  name: 'trainingWorker',
  label: 'training worker',
};

/**
 * Trains keys on the app's worker pool (trainingWorker next to this module), so that thousands of keys
 * use every core and the host's event loop stays free for the orchestrations and storage calls.
 */
export class PoolSeriesTrainer implements SeriesTrainer {
  constructor(private readonly workers: WorkerPool) {}

  train(request: SeriesTrainingRequest): Promise<SeriesTrainingResult> {
    // The bytes are handed over when they own their whole buffer (a downloaded blob does), else copied.
    const whole = request.csv.byteOffset === 0 && request.csv.byteLength === request.csv.buffer.byteLength;
    return this.workers.run(trainingModule, request, {
      transfer: whole ? [request.csv.buffer as ArrayBuffer] : [],
    });
  }
}
