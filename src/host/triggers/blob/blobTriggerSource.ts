import type { ResolvedBinding } from '../../HostExtension';
import { HostConfigurationError } from '../../errors';

/** How a blob trigger learns of new blobs, as the Functions runtime names it. */
export type BlobTriggerSource = 'LogsAndContainerScan' | 'EventGrid';

/** The trigger's `source` (case-insensitive, as the host binds enums); the container scan when unset. */
export function blobTriggerSourceOf(binding: ResolvedBinding, usedBy: string): BlobTriggerSource {
  const source = binding.source;
  if (source === undefined || source === null || source === '') return 'LogsAndContainerScan';
  const known = (['LogsAndContainerScan', 'EventGrid'] as const).find(
    (name) => typeof source === 'string' && name.toLowerCase() === source.toLowerCase(),
  );
  if (!known)
    throw new HostConfigurationError(
      `${usedBy} has source ${JSON.stringify(source)}: use "LogsAndContainerScan" (the default) or "EventGrid".`,
    );
  return known;
}
