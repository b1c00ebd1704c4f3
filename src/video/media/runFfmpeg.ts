import { spawn } from 'node:child_process';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';

/** What ffmpeg reports while it works (from `-progress`): frames written and media time reached. */
export interface FfmpegProgress {
  readonly frame: number;
  readonly outSeconds: number;
}

export interface FfmpegRunOptions {
  /** Arguments after `ffmpeg -hide_banner -nostdin`. */
  readonly args: readonly string[];
  /** What the run is about (a blob name, a folder), named in errors. */
  readonly subject: string;
  readonly signal?: AbortSignal;
  /** Called as ffmpeg reports progress; the run then gets `-progress pipe:1` (stdout is not captured). */
  readonly onProgress?: (progress: FfmpegProgress) => void;
}

export interface FfmpegOutput {
  /** Standard output, when no progress callback was given (e.g. framemd5 lines). */
  readonly stdout: string;
  /** Standard error: ffmpeg's description of its inputs and its log. */
  readonly stderr: string;
}

/** ffmpeg exited with an error; `stderrTail` holds its last lines (the reason is usually there). */
export class FfmpegError extends Error {
  override name = 'FfmpegError';
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly stderrTail: string,
  ) {
    super(message);
  }
}

const tailLines = 8;
const maxCapturedStderr = 256 * 1024;

/** The ffmpeg binary shipped by `@ffmpeg-installer/ffmpeg` (a static build, no download at install). */
export function ffmpegPath(): string {
  return ffmpegInstaller.path;
}

/**
 * Runs ffmpeg as a child process: never on the event loop, killed when `signal` aborts (the promise then
 * rejects with the signal's reason), progress streamed to `onProgress`. A non-zero exit rejects with an
 * FfmpegError whose message names the subject and ends with ffmpeg's last stderr lines.
 */
export function runFfmpeg(options: FfmpegRunOptions): Promise<FfmpegOutput> {
  const { signal, onProgress } = options;
  signal?.throwIfAborted();
  const progressArgs = onProgress ? ['-progress', 'pipe:1', '-nostats'] : [];
  const child = spawn(ffmpegPath(), ['-hide_banner', '-nostdin', ...progressArgs, ...options.args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  let stderr = '';
  let progressLine = '';
  let progress = { frame: 0, outSeconds: 0 };
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-maxCapturedStderr);
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    if (!onProgress) return void stdout.push(chunk);
    const lines = (progressLine + chunk).split('\n');
    progressLine = lines.pop() ?? '';
    for (const line of lines) progress = readProgressLine(line, progress, onProgress);
  });
  return new Promise<FfmpegOutput>((resolve, reject) => {
    const abort = () => {
      child.kill('SIGKILL');
      reject(
        signal?.reason instanceof Error ? signal.reason : new Error(`ffmpeg on ${options.subject}: aborted`),
      );
    };
    signal?.addEventListener('abort', abort, { once: true });
    child.on('error', (error) => {
      signal?.removeEventListener('abort', abort);
      reject(new FfmpegError(`ffmpeg could not start for ${options.subject}: ${error.message}`, null, ''));
    });
    child.on('close', (code, killedBy) => {
      signal?.removeEventListener('abort', abort);
      if (signal?.aborted) return;
      if (code === 0) return resolve({ stdout: stdout.join(''), stderr });
      const tail = lastLines(stderr, tailLines);
      const how = code === null ? `was killed (${killedBy ?? 'signal'})` : `exited with code ${code}`;
      reject(new FfmpegError(`ffmpeg on ${options.subject} ${how}: ${tail}`, code, tail));
    });
  });
}

function readProgressLine(
  line: string,
  progress: FfmpegProgress,
  onProgress: (progress: FfmpegProgress) => void,
): FfmpegProgress {
  const [key, value] = line.trim().split('=', 2);
  if (key === 'frame') return { ...progress, frame: Number(value) || 0 };
  // out_time_ms is in microseconds, despite its name.
  if (key === 'out_time_ms') return { ...progress, outSeconds: (Number(value) || 0) / 1e6 };
  if (key === 'progress') onProgress(progress);
  return progress;
}

/** The last `count` non-empty lines of `text`, joined with " | " so an error message stays one line. */
export function lastLines(text: string, count: number): string {
  return text
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(-count)
    .join(' | ');
}
