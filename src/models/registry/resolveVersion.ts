import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import { parseModelRef } from '../../runtime/models/ModelRef';
import { parseModelStage, type ModelStage } from './ModelStage';
import type { ModelVersionInfo } from './registryRows';
import type { RegistryTable } from './RegistryTable';

/** What to resolve: a name with at most one of version or stage, and optionally tags that must all match. */
export interface ModelQuery {
  readonly name: string;
  readonly version?: number;
  /** production or staging, in any letter case. */
  readonly stage?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

// Reserved but not yet written versions (a registration in flight, or one that crashed) leave gaps
// below the head's number; the latest written version is looked for this far below it.
const gapWindow = 100;

/**
 * Finds one version without scanning the model's versions: a version is a point read, a stage is named
 * by the head row, tags go through the tag index (the latest version carrying all of them), the bare
 * name is the production version if there is one, and `latest` (or a name without a production
 * version) is the highest written version at or below the head's number.
 */
export async function resolveVersion(
  table: RegistryTable,
  ref: string | ModelQuery,
): Promise<ModelVersionInfo> {
  const query: ModelQuery = typeof ref === 'string' ? parseModelRef(ref) : ref;
  const { name } = query;
  if (query.version !== undefined) {
    const found = await table.version(name, query.version);
    if (found) return found;
    const head = await requireHead(table, name);
    throw new NotFoundError(
      `Model "${name}" has no version ${query.version} (latest: ${head.latestVersion}).`,
    );
  }
  const head = await requireHead(table, name);
  const latestWanted = query.stage?.toLowerCase() === 'latest';
  const stage = query.stage === undefined || latestWanted ? undefined : parseModelStage(query.stage, 'model');
  if (query.tags !== undefined && Object.keys(query.tags).length > 0) {
    return resolveByTags(table, name, query.tags, stage);
  }
  if (stage !== undefined) {
    if (stage !== 'Production' && stage !== 'Staging')
      throw new ValidationError(
        `Model "${name}@${query.stage}": a stage reference names production or staging (one version each).`,
        { field: 'model' },
      );
    if (head.partitionBy)
      throw new ConflictError(
        `Model "${name}" has one ${stage.toLowerCase()} version per ${head.partitionBy.join(' × ')}, not one for the whole model: name the key by its tags (${head.partitionBy.map((column) => `${column}=...`).join(', ')}), e.g. GET /api/models/${name}/versions?tag=${head.partitionBy[0]}=...&stage=${stage.toLowerCase()}, or score with model: { name, partitionBy, stage }.`,
      );
    const version = stage === 'Production' ? head.production : head.staging;
    const found = version === undefined ? undefined : await table.version(name, version);
    if (!found) throw new NotFoundError(`Model "${name}" has no ${stage.toLowerCase()} version.`);
    return found;
  }
  // The bare name serves the production version when there is one: retraining registers candidates
  // that must not be scored until they are promoted. `name@latest` asks for the newest version.
  if (!latestWanted && head.production !== undefined) {
    const production = await table.version(name, head.production);
    if (production) return production;
  }
  const latest = await table.version(name, head.latestVersion);
  if (latest) return latest;
  const below = await table.versions(name, head.latestVersion - gapWindow, head.latestVersion - 1);
  const found = below.at(-1);
  if (!found) throw new NotFoundError(`Model "${name}" has no registered version yet.`);
  return found;
}

async function resolveByTags(
  table: RegistryTable,
  name: string,
  tags: Readonly<Record<string, string>>,
  stage: ModelStage | undefined,
): Promise<ModelVersionInfo> {
  const versions = await table.versionsWithRarestTag(name, Object.entries(tags));
  const newestFirst = versions.sort((a, b) => b - a);
  // Newest first, a few point reads at a time: the key's newest version is usually among the first.
  for (let start = 0; start < newestFirst.length; start += pointReadsAtOnce) {
    const rows = await Promise.all(
      newestFirst.slice(start, start + pointReadsAtOnce).map((version) => table.version(name, version)),
    );
    const found = rows.find((row) => row && matches(row, tags, stage));
    if (found) return found;
  }
  throw new NotFoundError(
    `Model "${name}" has no version${stage === undefined ? '' : ` in stage ${stage}`} tagged ${tagText(tags)}.`,
  );
}

/**
 * Every version carrying all the tags (and in the stage, if given), newest first, through the tag
 * index: the rarest tag's versions, then their version rows — point reads for a few hundred, one range
 * read over their span for more.
 */
export async function versionsTagged(
  table: RegistryTable,
  name: string,
  tags: Readonly<Record<string, string>>,
  stage?: ModelStage,
): Promise<ModelVersionInfo[]> {
  if (Object.keys(tags).length === 0)
    throw new ValidationError('Give at least one tag to list versions by.', { field: 'tag' });
  await requireHead(table, name);
  const versions = await table.versionsWithRarestTag(name, Object.entries(tags));
  let rows: (ModelVersionInfo | undefined)[];
  if (versions.length <= maxPointReads) {
    rows = [];
    for (let start = 0; start < versions.length; start += pointReadsAtOnce * 4)
      rows.push(
        ...(await Promise.all(
          versions.slice(start, start + pointReadsAtOnce * 4).map((version) => table.version(name, version)),
        )),
      );
  } else {
    const wanted = new Set(versions);
    // A loop, not Math.min(...versions): a common tag can have more versions than call arguments fit.
    const [lowest, highest] = versions.reduce(
      ([low, high], version) => [Math.min(low, version), Math.max(high, version)],
      [Infinity, -Infinity],
    );
    const span = await table.versions(name, lowest, highest);
    rows = span.filter((row) => wanted.has(row.version));
  }
  return rows
    .filter((row): row is ModelVersionInfo => row !== undefined && matches(row, tags, stage))
    .sort((a, b) => b.version - a.version);
}

const pointReadsAtOnce = 8;
/** Above this many candidates, one range read of their version rows beats a point read each. */
const maxPointReads = 256;

function matches(
  row: ModelVersionInfo,
  tags: Readonly<Record<string, string>>,
  stage: ModelStage | undefined,
): boolean {
  return (
    (stage === undefined || row.stage === stage) &&
    Object.entries(tags).every(([key, value]) => row.tags[key] === value)
  );
}

function tagText(tags: Readonly<Record<string, string>>): string {
  return Object.entries(tags)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}

async function requireHead(table: RegistryTable, name: string) {
  const head = await table.head(name);
  if (!head) throw new NotFoundError(`Model "${name}" is not registered.`);
  return head;
}
