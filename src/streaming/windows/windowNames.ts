import type { StreamDefinition } from '../StreamDefinition';

/** Window starts padded to 15 digits, so names and table keys sort by time. */
export const windowKeyOf = (start: number): string => String(start).padStart(15, '0');
const sequenceKeyOf = (sequence: number): string => String(sequence).padStart(20, '0');

/**
 * The window's orchestration: one instance per (stream, window, version), whichever partition starts
 * it. Version 1 has no suffix; a window re-opened by late events runs as `...-v2`, `...-v3`.
 */
export function windowInstanceId(stream: string, start: number, version = 1): string {
  return `stream-${stream}-${windowKeyOf(start)}${versionSuffix(version, '-')}`;
}

const versionSuffix = (version: number, separator: string) => (version > 1 ? `${separator}v${version}` : '');

/**
 * Where a window's blobs go in the stream's output container. Landings and late events are named by
 * (window, partition, the batch's FIRST sequence number): a batch delivered again writes the same
 * names. Outputs are named by the window start (and version, after the first) and partitioned by
 * its UTC date and hour.
 */
export function windowBlobNames(stream: Pick<StreamDefinition, 'outputs'>, start: number, version = 1) {
  const { folder, format } = stream.outputs;
  const window = windowKeyOf(start);
  const iso = new Date(start).toISOString();
  // A version after the first writes its own output and work files; the manifest is the latest's.
  const v = versionSuffix(version, '.');
  const hourFolder = `${iso.slice(0, 10)}/${iso.slice(11, 13)}`;
  return {
    landings: `${folder}/_landing/${window}/`,
    landing: (partitionId: string, firstSequence: number) =>
      `${folder}/_landing/${window}/${partitionId}/${sequenceKeyOf(firstSequence)}.jsonl`,
    lates: `${folder}/_late/${window}/`,
    late: (partitionId: string, firstSequence: number) =>
      `${folder}/_late/${window}/${partitionId}/${sequenceKeyOf(firstSequence)}.jsonl`,
    featureShard: (shard: number) =>
      `${folder}/_work/${window}${v}/features-${String(shard).padStart(5, '0')}.json`,
    output: `${folder}/${hourFolder}/${iso}${v}.${format}`,
    alerts: `${folder}/_alerts/${hourFolder}/${iso}${v}.jsonl`,
    manifest: `${folder}/_windows/${window}.json`,
  };
}

/** A landing blob's partition and first sequence number, from its name. */
export function landingOf(name: string): { partitionId: string; firstSequence: number } {
  const [partitionId, file] = name.split('/').slice(-2);
  return { partitionId: partitionId ?? '', firstSequence: Number(file?.replace(/\.jsonl$/, '')) };
}
