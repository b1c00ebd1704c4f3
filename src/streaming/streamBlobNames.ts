import type { StreamDefinition } from './StreamDefinition';

/** What a batch writes: scored rows, bad events, and rows over the alert threshold. */
export type StreamBlobKind = 'output' | 'deadLetter' | 'alerts';

const kindFolders: Record<StreamBlobKind, string> = {
  output: '',
  deadLetter: '_deadletter/',
  alerts: '_alerts/',
};

/**
 * The blob a batch writes, named by its partition and its FIRST sequence number (zero-padded, so names
 * sort by sequence). A batch delivered again after a crash starts at the same sequence number (the
 * event after the partition's checkpoint), so it overwrites what the first delivery wrote, whatever
 * its last event: every event has its row in exactly one blob.
 */
export function streamBlobName(
  stream: StreamDefinition,
  kind: StreamBlobKind,
  partitionId: string,
  firstSequenceNumber: number,
): string {
  const extension = kind === 'output' ? stream.outputs.format : 'jsonl';
  const sequence = String(firstSequenceNumber).padStart(20, '0');
  return `${stream.outputs.folder}/${kindFolders[kind]}${partitionId}/${sequence}.${extension}`;
}
