import type { StreamDefinition } from '../StreamDefinition';

/** Window starts padded to 15 digits, so names and table keys sort by time. */
export const windowKeyOf = (start: number): string => String(start).padStart(15, '0');
const sequenceKeyOf = (sequence: number): string => String(sequence).padStart(20, '0');

/** The window's orchestration: one instance per (stream, window), whichever partition starts it. */
export function windowInstanceId(stream: string, start: number): string {
  return `stream-${stream}-${windowKeyOf(start)}`;
}

/**
 * Where a window's blobs go in the stream's output container. Landings and late events are named by
 * (window, partition, the batch's FIRST sequence number): a batch delivered again writes the same
 * names. Outputs are named by the window start and partitioned by its UTC date and hour.
 */
export function windowBlobNames(stream: Pick<StreamDefinition, 'outputs'>, start: number) {
  const { folder, format } = stream.outputs;
  const window = windowKeyOf(start);
  const iso = new Date(start).toISOString();
  const hourFolder = `${iso.slice(0, 10)}/${iso.slice(11, 13)}`;
  return {
    landings: `${folder}/_landing/${window}/`,
    landing: (partitionId: string, firstSequence: number) =>
      `${folder}/_landing/${window}/${partitionId}/${sequenceKeyOf(firstSequence)}.jsonl`,
    lates: `${folder}/_late/${window}/`,
    late: (partitionId: string, firstSequence: number) =>
      `${folder}/_late/${window}/${partitionId}/${sequenceKeyOf(firstSequence)}.jsonl`,
    featureShard: (shard: number) =>
      `${folder}/_work/${window}/features-${String(shard).padStart(5, '0')}.json`,
    output: `${folder}/${hourFolder}/${iso}.${format}`,
    alerts: `${folder}/_alerts/${hourFolder}/${iso}.jsonl`,
    manifest: `${folder}/_windows/${window}.json`,
  };
}

/** A landing blob's partition and first sequence number, from its name. */
export function landingOf(name: string): { partitionId: string; firstSequence: number } {
  const [partitionId, file] = name.split('/').slice(-2);
  return { partitionId: partitionId ?? '', firstSequence: Number(file?.replace(/\.jsonl$/, '')) };
}
