import path from 'node:path';
import { formatFrameRate, type FrameRate } from './FrameRate';
import { runFfmpeg, type FfmpegProgress } from './runFfmpeg';
import { framePattern } from './splitVideo';

/**
 * `h264`: MP4, H.264 in yuv420p (plays everywhere; lossy), for users. `lossless`: Matroska with FFV1
 * (RGB kept bit for bit), for checking frames exactly.
 */
export type OutputCodec = 'h264' | 'lossless';

export interface AssembleOptions {
  /** Frames `000001.png...` in order, with no gap. */
  readonly framesDir: string;
  /** The source's exact rate: frame i is shown at (i - 1) / rate seconds. */
  readonly frameRate: FrameRate;
  /** The audio track split from the source, and its codec. */
  readonly audio?: { readonly file: string; readonly codec: string };
  readonly output: string;
  readonly codec: OutputCodec;
  /** How errors name the work (e.g. the job). */
  readonly subject: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: FfmpegProgress) => void;
}

// Audio codecs an MP4 takes as they are; any other is re-encoded to AAC for the MP4 (never for MKV).
const mp4AudioCodecs = new Set(['aac', 'mp3', 'ac3', 'eac3', 'alac']);

/** Encodes the frames at the source's rate with the source's audio stream. */
export async function assembleVideo(options: AssembleOptions): Promise<void> {
  const { audio } = options;
  await runFfmpeg({
    args: [
      '-framerate',
      formatFrameRate(options.frameRate),
      '-start_number',
      '1',
      '-i',
      path.join(options.framesDir, framePattern),
      ...(audio ? ['-i', audio.file, '-map', '0:v:0', '-map', '1:a:0'] : ['-map', '0:v:0']),
      ...(options.codec === 'h264' ? h264Args(audio?.codec) : losslessArgs(audio !== undefined)),
      '-y',
      options.output,
    ],
    subject: options.subject,
    signal: options.signal,
    onProgress: options.onProgress,
  });
}

function h264Args(audioCodec: string | undefined): string[] {
  const audio =
    audioCodec === undefined
      ? []
      : mp4AudioCodecs.has(audioCodec)
        ? ['-c:a', 'copy']
        : ['-c:a', 'aac', '-b:a', '192k'];
  return [
    // yuv420p needs even sides: an odd width or height gets one black column or row.
    '-vf',
    'pad=ceil(iw/2)*2:ceil(ih/2)*2',
    '-c:v',
    'libx264',
    '-preset',
    'medium',
    '-crf',
    '18',
    '-pix_fmt',
    'yuv420p',
    ...audio,
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
  ];
}

function losslessArgs(withAudio: boolean): string[] {
  return ['-c:v', 'ffv1', '-level', '3', ...(withAudio ? ['-c:a', 'copy'] : []), '-f', 'matroska'];
}
