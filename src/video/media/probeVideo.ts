import { ValidationError } from '../../errors';
import { nearestStandardFrameRate, reducedFrameRate, type FrameRate } from './FrameRate';
import { FfmpegError, runFfmpeg } from './runFfmpeg';

/** What a video holds, as the pipeline needs it. */
export interface VideoProbe {
  /** The container's duration in seconds (to 0.01 s), or frames / rate when the container has none. */
  readonly durationSeconds: number;
  readonly frameRate: FrameRate;
  /** Packets of the first video stream: one per frame for the codecs this pipeline reads. */
  readonly frameCount: number;
  readonly width: number;
  readonly height: number;
  readonly videoCodec: string;
  /** The first audio stream, if any: it is carried over to the output unchanged. */
  readonly audio?: { readonly codec: string };
}

export interface ProbeOptions {
  /** The video as a local file (or any input ffmpeg reads). */
  readonly input: string;
  /** How errors name the video (its blob name). */
  readonly subject: string;
  readonly signal?: AbortSignal;
}

/**
 * Probes a video with ffmpeg alone (the static build has no ffprobe): one stream-copy pass writes the
 * video packets' timings as framemd5 lines (count, exact time base and durations) while stderr
 * describes the input (size, codecs, duration). Not a video, or no video stream → ValidationError
 * naming the subject.
 */
export async function probeVideo(options: ProbeOptions): Promise<VideoProbe> {
  const { subject } = options;
  let output;
  try {
    output = await runFfmpeg({
      args: ['-i', options.input, '-map', '0:v:0', '-c', 'copy', '-f', 'framemd5', 'pipe:1'],
      subject,
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof FfmpegError) throw unreadable(subject, options.input, error.stderrTail);
    throw error;
  }
  return describeVideo(subject, inputSection(output.stderr), output.stdout);
}

function describeVideo(subject: string, input: string, packets: string): VideoProbe {
  const video = /Stream #0:\d+\S*: Video: (\w+)[^\n]*?, (\d+)x(\d+)/.exec(input);
  if (!video) throw new ValidationError(`Video ${subject} has no video stream.`, { file: subject });
  const timings = packetTimings(packets);
  if (timings.durations.length === 0)
    throw new ValidationError(`Video ${subject} has a video stream but no frames.`, { file: subject });
  const frameRate = frameRateOf(timings, input) ?? missingRate(subject);
  const frameCount = timings.durations.length;
  const audio = /Stream #0:\d+\S*: Audio: (\w+)/.exec(input);
  return {
    durationSeconds: containerDuration(input) ?? (frameCount * frameRate.denominator) / frameRate.numerator,
    frameRate,
    frameCount,
    width: Number(video[2]),
    height: Number(video[3]),
    videoCodec: video[1]!,
    ...(audio ? { audio: { codec: audio[1]! } } : {}),
  };
}

interface PacketTimings {
  readonly timeBase: { numerator: number; denominator: number };
  readonly durations: number[];
}

function packetTimings(framemd5: string): PacketTimings {
  let timeBase = { numerator: 1, denominator: 1 };
  const durations: number[] = [];
  for (const line of framemd5.split('\n')) {
    const base = /^#tb 0: (\d+)\/(\d+)/.exec(line);
    if (base) timeBase = { numerator: Number(base[1]), denominator: Number(base[2]) };
    // stream#, dts, pts, duration, size, hash
    const packet = /^0,\s*-?\d+,\s*-?\d+,\s*(\d+),/.exec(line);
    if (packet) durations.push(Number(packet[1]));
  }
  return { timeBase, durations };
}

/**
 * Equal packet durations give the rate exactly (time base / duration); otherwise the mean duration or,
 * failing that, the rate the stream declares, read as the standard rate it stands for.
 */
function frameRateOf({ timeBase, durations }: PacketTimings, input: string): FrameRate | undefined {
  const first = durations[0]!;
  if (first > 0 && durations.every((duration) => duration === first))
    return reducedFrameRate(timeBase.denominator, timeBase.numerator * first);
  const total = durations.reduce((sum, duration) => sum + duration, 0);
  if (total > 0)
    return nearestStandardFrameRate((durations.length * timeBase.denominator) / (timeBase.numerator * total));
  const declared = /, ([\d.]+) fps,/.exec(input);
  return declared ? nearestStandardFrameRate(Number(declared[1])) : undefined;
}

function missingRate(subject: string): never {
  throw new ValidationError(`Video ${subject}: its frame rate cannot be read.`, { file: subject });
}

function containerDuration(input: string): number | undefined {
  const match = /Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(input);
  if (!match) return undefined;
  return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}

/** The part of ffmpeg's stderr that describes input #0 (not the outputs it writes). */
function inputSection(stderr: string): string {
  const start = stderr.indexOf('Input #0');
  const end = stderr.search(/^(Output #0|Stream mapping:)/m);
  return stderr.slice(Math.max(0, start), end > start ? end : undefined);
}

function unreadable(subject: string, input: string, stderrTail: string): ValidationError {
  if (/matches no streams/.test(stderrTail))
    return new ValidationError(`Video ${subject} has no video stream.`, { file: subject });
  const reason = stderrTail.split(' | ').pop() ?? 'unknown reason';
  // ffmpeg prefixes its reason with the input path; the subject names the video instead.
  const short = reason.startsWith(`${input}: `) ? reason.slice(input.length + 2) : reason;
  return new ValidationError(`Video ${subject} cannot be read as a video: ${short}`, { file: subject });
}
