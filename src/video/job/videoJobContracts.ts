import type { WorkItem, WorkResult } from '../../dispatch/workContracts';
import type { PinnedModel } from '../../runtime/models/LoadedModel';
import type { FrameRate } from '../media/FrameRate';

/** The video orchestration and its activities, by name (registered in functions/videos.ts). */
export const styleVideoOrchestrator = 'styleVideo';
export const videoActivityNames = {
  prepare: 'prepareVideo',
  dispatch: 'dispatchVideoWork',
  assemble: 'assembleVideo',
  finish: 'finishVideo',
} as const;

/** What starts a video job (instance id: the job id). */
export interface StyleVideoInput {
  readonly jobId: string;
  readonly source: { readonly container: string; readonly blob: string };
  /** A registry reference: `candy`, `candy@production`, `candy@3`. */
  readonly model: string;
  readonly outputContainer: string;
  /** `h264`: an MP4 for people (lossy); `lossless`: FFV1 in Matroska, frames kept bit for bit. */
  readonly outputCodec: 'h264' | 'lossless';
  /** Frames per work item. */
  readonly batchFrames: number;
  /** Work items dispatched at once. */
  readonly maxInFlight: number;
  /** One attempt at one work item may take this long before it is tried again. */
  readonly unitTimeoutSeconds: number;
  readonly maxAttempts: number;
}

/** The probed, split video: frames and audio in the work container, the model pinned. */
export interface PreparedVideo {
  readonly frames: number;
  /** The source's exact frame rate, e.g. 30000/1001. */
  readonly frameRate: FrameRate;
  readonly width: number;
  readonly height: number;
  readonly durationSeconds: number;
  /** The source's first audio stream's codec, when it has one: carried over to the output. */
  readonly audioCodec?: string;
  readonly model: PinnedModel;
  readonly workContainer: string;
  /** How long each step of the prepare activity took, in milliseconds (for the manifest). */
  readonly timings?: PrepareTimings;
}

export interface PrepareTimings {
  /** Reading the source video from its blob. */
  readonly downloadMs: number;
  readonly probeMs: number;
  /** Decoding into PNG frames and copying the audio track (one ffmpeg pass). */
  readonly splitMs: number;
  /** Writing the frames and audio to the work container. */
  readonly uploadMs: number;
}

export type PrepareResult = PreparedVideo | { readonly error: string };

export interface DispatchVideoWorkInput {
  readonly jobId: string;
  readonly items: readonly WorkItem[];
}

/** One frame range as it ended. */
export interface VideoUnitRun {
  readonly unit: string;
  readonly first: number;
  readonly last: number;
  readonly attempts: number;
  readonly result?: WorkResult;
}

export interface AssembleVideoInput {
  readonly input: StyleVideoInput;
  readonly prepared: PreparedVideo;
  readonly units: readonly VideoUnitRun[];
}

export interface AssembledVideo {
  readonly output: string;
  readonly manifest: string;
}

/** How the orchestration ends a job; a cancel ends it from outside (terminated, row marked Cancelled). */
export type VideoState = 'Succeeded' | 'Failed';

/** The job's end, recorded by `finishVideo`; a job that did not succeed also stops its workers. */
export interface FinishVideoInput {
  readonly jobId: string;
  readonly state: VideoState;
  readonly reason?: string;
  readonly assembled?: AssembledVideo;
}

export interface VideoOutcome {
  readonly state: VideoState;
  readonly reason?: string;
  readonly output?: string;
  readonly manifest?: string;
}

/** The orchestration's custom status while it runs: what the job view and the CLI's bar show. */
export interface VideoProgress {
  readonly stage: 'preparing' | 'styling' | 'assembling';
  readonly framesDone: number;
  readonly framesTotal: number;
}

/** Frame ranges of `batchFrames` (1-based, inclusive), named so a unit keeps its name across attempts. */
export function frameUnits(
  frames: number,
  batchFrames: number,
): { unit: string; first: number; last: number }[] {
  const units: { unit: string; first: number; last: number }[] = [];
  for (let first = 1; first <= frames; first += batchFrames) {
    const last = Math.min(frames, first + batchFrames - 1);
    const pad = (n: number) => String(n).padStart(6, '0');
    units.push({ unit: `frames-${pad(first)}-${pad(last)}`, first, last });
  }
  return units;
}

/** Where a job's frames (split from the source) and styled frames live in the work container. */
export function workPrefixes(jobId: string): { readonly frames: string; readonly styled: string } {
  return { frames: `${jobId}/frames/`, styled: `${jobId}/styled/` };
}
