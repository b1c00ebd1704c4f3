import type { ModelRegistry } from '../../models/registry/ModelRegistry';
import type { StorageClients } from '../../storage/StorageClients';
import type { SeriesTrainer } from './SeriesTrainer';

/** What the many-models training activities and HTTP handlers need, built at the composition root. */
export interface ManyModelsTrainingServices {
  readonly storage: StorageClients;
  readonly registry: ModelRegistry;
  /** Parses and trains each key's data (in worker threads in the app). */
  readonly trainer: SeriesTrainer;
  /** Run reports go to `<reportsContainer>/many-models/<model>/<runId>.json`. */
  readonly reportsContainer: string;
  /**
   * Test hook: partition blobs (`<prefix>/<path>` in the data set's container) and how many of their
   * first tries fail with a transient fault, to exercise the retry of failed keys. Empty in production.
   */
  readonly failTries: ReadonlyMap<string, number>;
}

/** `a/x.csv,b/y.csv:3` → { a/x.csv → 1, b/y.csv → 3 } (paths are URI-encoded: they hold no `:`). */
export function parseFailTries(setting: string): ReadonlyMap<string, number> {
  return new Map(
    setting
      .split(',')
      .filter(Boolean)
      .map((entry) => {
        const [path, tries] = entry.split(':');
        return [path!, tries === undefined ? 1 : Number(tries)];
      }),
  );
}
