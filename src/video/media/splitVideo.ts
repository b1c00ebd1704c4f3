import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { runFfmpeg, type FfmpegProgress } from './runFfmpeg';

/** ffmpeg's pattern for frame files: `000001.png`, `000002.png`, ... (1-based, as the image2 muxer counts). */
export const framePattern = '%06d.png';

export interface SplitOptions {
  readonly input: string;
  /** How errors name the video (its blob name). */
  readonly subject: string;
  /** An existing, empty folder for the frames. */
  readonly framesDir: string;
  /**
   * Where to write the first audio stream, copied as it is (no re-encoding): a Matroska file (`.mka`)
   * holds any codec. Give it only for a video that has audio (see probeVideo).
   */
  readonly audioFile?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: FfmpegProgress) => void;
}

/**
 * Splits a video into lossless RGB PNG frames `{framesDir}/000001.png...` and, in the same decoding
 * pass, its audio track. Every decoded frame becomes one file (`-vsync passthrough`: no frame is
 * duplicated or dropped to fit a rate). Returns the number of frames written.
 */
export async function splitVideo(options: SplitOptions): Promise<{ frameCount: number }> {
  const audio =
    options.audioFile === undefined ? [] : ['-map', '0:a:0', '-vn', '-c:a', 'copy', options.audioFile];
  await runFfmpeg({
    args: [
      '-i',
      options.input,
      '-vsync',
      'passthrough',
      '-map',
      '0:v:0',
      '-pix_fmt',
      'rgb24',
      '-f',
      'image2',
      '-start_number',
      '1',
      path.join(options.framesDir, framePattern),
      ...audio,
    ],
    subject: options.subject,
    signal: options.signal,
    onProgress: options.onProgress,
  });
  const files = await readdir(options.framesDir);
  return { frameCount: files.filter((file) => /^\d{6}\.png$/.test(file)).length };
}
