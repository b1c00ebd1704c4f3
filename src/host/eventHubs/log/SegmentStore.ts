import type { ContainerClient } from '@azure/storage-blob';
import { hasStatus } from '../../storage/storageErrors';
import type { TailState } from './logBlock';

/** Where the host keeps its local event hubs (a host container: no job may name it). */
export const eventHubsContainer = 'azure-webjobs-eventhubs';

/** One append blob of a partition's stream; its name carries where in the stream it starts. */
export interface SegmentRef {
  readonly name: string;
  readonly firstSequenceNumber: number;
  /** Offset in the partition's stream of the segment's first byte. */
  readonly firstOffset: number;
}

export interface ListedSegment extends SegmentRef {
  readonly length: number;
  /** The partition's state when the segment was opened (its metadata): what an empty segment continues. */
  readonly opened: TailState;
}

// 19 digits hold any Int64, so segment names list in stream order.
const digits = 19;
const segmentPattern = /\/(\d{19})-(\d{19})$/;

/** The blobs of one hub: `<hub>/hub.json` and `<hub>/<partition>/<first sequence number>-<first offset>`. */
export class SegmentStore {
  constructor(
    readonly container: ContainerClient,
    /** The hub's folder: its name in lower case (Event Hubs names are case-insensitive). */
    readonly hubFolder: string,
  ) {}

  segmentName(partitionId: string, firstSequenceNumber: number, firstOffset: number): string {
    const pad = (value: number) => String(value).padStart(digits, '0');
    return `${this.hubFolder}/${partitionId}/${pad(firstSequenceNumber)}-${pad(firstOffset)}`;
  }

  /** The partition's segments in stream order, with their lengths. */
  async list(partitionId: string): Promise<ListedSegment[]> {
    const segments: ListedSegment[] = [];
    const prefix = `${this.hubFolder}/${partitionId}/`;
    for await (const blob of this.container.listBlobsFlat({ prefix, includeMetadata: true })) {
      const match = segmentPattern.exec(blob.name);
      if (!match) continue;
      segments.push({
        name: blob.name,
        firstSequenceNumber: Number(match[1]),
        firstOffset: Number(match[2]),
        length: blob.properties.contentLength ?? 0,
        opened: openedState(blob.metadata, Number(match[1])),
      });
    }
    return segments.sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /** Creates a segment unless a writer beside this one created it first (both name it alike). */
  async create(partitionId: string, opened: TailState, firstOffset: number): Promise<ListedSegment> {
    const name = this.segmentName(partitionId, opened.nextSequenceNumber, firstOffset);
    try {
      await this.container.getAppendBlobClient(name).create({
        conditions: { ifNoneMatch: '*' },
        metadata: { lastoffset: String(opened.lastOffset), lasttimems: String(opened.lastTimeMs) },
      });
    } catch (error) {
      if (!hasStatus(error, 409)) throw error;
    }
    return { name, firstSequenceNumber: opened.nextSequenceNumber, firstOffset, length: 0, opened };
  }

  /** Appends one block at `position`; fails with 412 when the segment's length is not `position`. */
  async append(segment: SegmentRef, block: Buffer, position: number): Promise<void> {
    await this.container
      .getAppendBlobClient(segment.name)
      .appendBlock(block, block.length, { conditions: { appendPosition: position } });
  }

  /** `count` bytes from `offset` (fewer at the end), and the segment's length at the time. */
  async read(segment: SegmentRef, offset: number, count: number): Promise<{ bytes: Buffer; length: number }> {
    const response = await this.container.getAppendBlobClient(segment.name).download(offset, count);
    const chunks: Buffer[] = [];
    for await (const chunk of response.readableStreamBody ?? []) chunks.push(chunk as Buffer);
    const total = /\/(\d+)$/.exec(response.contentRange ?? '')?.[1];
    const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    return { bytes, length: total === undefined ? offset + bytes.length : Number(total) };
  }

  async length(segment: SegmentRef): Promise<number> {
    return (await this.container.getAppendBlobClient(segment.name).getProperties()).contentLength ?? 0;
  }

  async delete(segment: SegmentRef): Promise<void> {
    await this.container.getAppendBlobClient(segment.name).deleteIfExists();
  }
}

function openedState(metadata: Record<string, string> | undefined, nextSequenceNumber: number): TailState {
  const lastOffset = Number(metadata?.lastoffset ?? -1);
  const lastTimeMs = Number(metadata?.lasttimems ?? 0);
  return {
    nextSequenceNumber,
    lastOffset: Number.isFinite(lastOffset) ? lastOffset : -1,
    lastTimeMs: Number.isFinite(lastTimeMs) ? lastTimeMs : 0,
  };
}
