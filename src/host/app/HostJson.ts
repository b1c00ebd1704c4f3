import { z } from 'zod';
import { extensionBundleSchema } from './ExtensionBundle';

const logLevel = z.enum(['Trace', 'Debug', 'Information', 'Warning', 'Error', 'Critical', 'None']);

/** The parts of host.json the embedded host reads; unknown properties are kept and ignored. */
export const hostJsonSchema = z.looseObject({
  version: z.literal('2.0', { error: 'host.json must say "version": "2.0" (Functions runtime v4).' }),
  logging: z
    .looseObject({
      logLevel: z.record(z.string(), logLevel).optional(),
    })
    .optional(),
  extensions: z
    .looseObject({
      http: z.looseObject({ routePrefix: z.string().optional() }).optional(),
      queues: z
        .looseObject({
          maxPollingInterval: z.union([z.string(), z.number()]).optional(),
          visibilityTimeout: z.union([z.string(), z.number()]).optional(),
          batchSize: z.number().int().min(1).max(32).optional(),
          newBatchThreshold: z.number().int().min(0).optional(),
          maxDequeueCount: z.number().int().min(1).optional(),
          messageEncoding: z.enum(['base64', 'none']).optional(),
        })
        .optional(),
      blobs: z.looseObject({ maxDegreeOfParallelism: z.number().int().min(1).optional() }).optional(),
      eventHubs: z
        .looseObject({
          maxEventBatchSize: z.number().int().min(1).optional(),
          batchCheckpointFrequency: z.number().int().min(1).optional(),
          partitionOwnershipExpirationInterval: z.union([z.string(), z.number()]).optional(),
          loadBalancingUpdateInterval: z.union([z.string(), z.number()]).optional(),
          initialOffsetOptions: z
            .looseObject({ type: z.string().optional(), enqueuedTimeUtc: z.string().optional() })
            .optional(),
        })
        .optional(),
      durableTask: z.looseObject({ hubName: z.string().optional() }).optional(),
    })
    .optional(),
  /** Read by the Functions runtime to download binding extensions; checked here, not downloaded. */
  extensionBundle: extensionBundleSchema.optional(),
  functionTimeout: z.string().optional(),
  singleton: z
    .looseObject({
      listenerLockPeriod: z.union([z.string(), z.number()]).optional(),
      listenerLockRecoveryPollingInterval: z.union([z.string(), z.number()]).optional(),
    })
    .optional(),
});

export type HostJson = z.infer<typeof hostJsonSchema>;

/** Parses a TimeSpan (`hh:mm:ss`, `d.hh:mm:ss`) or a number of milliseconds. */
export function parseTimeSpan(value: string | number | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  if (typeof value === 'number') return value;
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(value.trim());
  if (!match) throw new Error(`"${value}" is not a TimeSpan of the form hh:mm:ss or d.hh:mm:ss.`);
  const [, days = '0', hours = '0', minutes = '0', seconds = '0', fraction = '0'] = match;
  const ms = Number(`0.${fraction}`) * 1000;
  return ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 + Number(seconds) * 1000 + ms;
}
