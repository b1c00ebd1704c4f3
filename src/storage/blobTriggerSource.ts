import { z } from 'zod';

/** The app setting that says how the app's blob triggers learn of new blobs. */
export const blobTriggerSourceSetting = 'BLOB_TRIGGER_SOURCE';

const sources = ['LogsAndContainerScan', 'EventGrid'] as const;
const sourceSchema = z
  .string()
  .transform((text) => sources.find((source) => source.toLowerCase() === text.trim().toLowerCase()) ?? text)
  .pipe(z.enum(sources));

/** A blob trigger's `source`, as the Functions runtime names it. */
export type BlobTriggerSource = (typeof sources)[number];

/**
 * The `source` of the app's blob triggers, from BLOB_TRIGGER_SOURCE: `LogsAndContainerScan` (the
 * default: the host watches the container itself, as the embedded host and Core Tools do locally) or
 * `EventGrid` (the host waits for Event Grid's BlobCreated events; on Azure Flex Consumption the only
 * source there is, so infra/ sets it). Case does not matter; anything else stops the app loading.
 */
export function blobTriggerSourceFrom(env: NodeJS.ProcessEnv): BlobTriggerSource {
  const value = env[blobTriggerSourceSetting];
  if (!value) return 'LogsAndContainerScan';
  const parsed = sourceSchema.safeParse(value);
  if (!parsed.success)
    throw new Error(
      `Invalid app setting ${blobTriggerSourceSetting}: "${value}" is not ${sources.join(' or ')}.`,
    );
  return parsed.data;
}
