import { z } from 'zod';

/** The bundle ids the Functions runtime downloads (GA, preview and experimental channels). */
export const extensionBundleIds = [
  'Microsoft.Azure.Functions.ExtensionBundle',
  'Microsoft.Azure.Functions.ExtensionBundle.Preview',
  'Microsoft.Azure.Functions.ExtensionBundle.Experimental',
] as const;

/** The range Microsoft's templates write today: the newest 4.x bundle. */
export const recommendedBundleRange = '[4.*, 5.0.0)';

type Version = readonly [number, number, number];

/** A bundle version range in NuGet interval notation; an end left open is unbounded. */
export interface BundleRange {
  readonly min?: { version: Version; inclusive: boolean };
  readonly max?: { version: Version; inclusive: boolean };
}

const versionPattern = /^(\d+)(?:\.(\d+|\*))?(?:\.(\d+|\*))?$/;

function parseVersion(text: string): Version | undefined {
  const match = versionPattern.exec(text.trim());
  if (!match) return undefined;
  const part = (value: string | undefined) => (value === undefined || value === '*' ? 0 : Number(value));
  return [Number(match[1]), part(match[2]), part(match[3])];
}

/**
 * Parses `[4.*, 5.0.0)`, `[4.0.0, 5.0.0]`, `(3.0.0, )`, `[4.2.0]` (exactly) or `4.2.0` (at least), as
 * the runtime reads host.json `extensionBundle.version`; undefined when it is none of these.
 */
export function parseBundleRange(text: string): BundleRange | undefined {
  const trimmed = text.trim();
  const bare = parseVersion(trimmed);
  if (bare) return { min: { version: bare, inclusive: true } };
  const match = /^([[(])([^,\])]*)(?:,([^\])]*))?([\])])$/.exec(trimmed);
  if (!match) return undefined;
  const [, open = '', low = '', high, close = ''] = match;
  const min = low.trim() === '' ? undefined : parseVersion(low);
  const max = high === undefined ? min : high.trim() === '' ? undefined : parseVersion(high);
  if ((low.trim() !== '' && !min) || (high !== undefined && high.trim() !== '' && !max)) return undefined;
  if (!min && !max) return undefined;
  return {
    ...(min && { min: { version: min, inclusive: open === '[' } }),
    ...(max && { max: { version: max, inclusive: close === ']' } }),
  };
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Whether the range admits some bundle of that major version (e.g. 4: any 4.x). */
export function bundleRangeAllowsMajor(range: BundleRange, major: number): boolean {
  const { min, max } = range;
  const belowMax =
    !max ||
    compare([major, 0, 0], max.version) < 0 ||
    (max.inclusive && compare([major, 0, 0], max.version) === 0);
  const aboveMin = !min || min.version[0] <= major;
  return belowMax && aboveMin;
}

export const extensionBundleSchema = z.looseObject({
  id: z.enum(extensionBundleIds, {
    error: `extensionBundle.id must be one of ${extensionBundleIds.join(', ')}.`,
  }),
  version: z.string().refine((value) => parseBundleRange(value) !== undefined, {
    error: `extensionBundle.version must be a version range such as "${recommendedBundleRange}".`,
  }),
});

export type ExtensionBundle = z.infer<typeof extensionBundleSchema>;
