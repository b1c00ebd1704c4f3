import path from 'node:path';
import { runFfmpeg } from '../../../src/video/media/runFfmpeg';

export interface TestVideoOptions {
  readonly size: string;
  /** ffmpeg rate: `2`, `30000/1001`. */
  readonly rate: string;
  readonly seconds: number;
  readonly audio: boolean;
  /** `mp4` (H.264 + AAC) or `mkv`. */
  readonly container?: 'mp4' | 'mkv';
}

/** Writes ffmpeg's test pattern (and a 440 Hz sine as audio) to `{dir}/{name}`; returns its path. */
export async function makeTestVideo(dir: string, name: string, options: TestVideoOptions): Promise<string> {
  const file = path.join(dir, name);
  const source = `testsrc=size=${options.size}:rate=${options.rate}:duration=${options.seconds}`;
  const audio = options.audio
    ? ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${options.seconds}`, '-c:a', 'aac']
    : [];
  await runFfmpeg({
    args: [
      '-f',
      'lavfi',
      '-i',
      source,
      ...audio,
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-f',
      options.container === 'mkv' ? 'matroska' : 'mp4',
      '-y',
      file,
    ],
    subject: name,
  });
  return file;
}

/** MD5 of each decoded frame as RGB24 (or of each audio packet as stored): equal lists, equal content. */
export async function frameHashes(
  input: string,
  what: 'video' | 'audio',
  inputArgs: string[] = [],
): Promise<string[]> {
  const select = what === 'video' ? ['-map', '0:v:0', '-pix_fmt', 'rgb24'] : ['-map', '0:a:0', '-c', 'copy'];
  const { stdout } = await runFfmpeg({
    args: [...inputArgs, '-i', input, ...select, '-f', 'framemd5', 'pipe:1'],
    subject: input,
  });
  return stdout
    .split('\n')
    .filter((line) => /^\d+,/.test(line))
    .map((line) => {
      const fields = line.split(',').map((field) => field.trim());
      return `${fields[4]}:${fields[5]}`; // size and hash, not timestamps (their time base may differ)
    });
}
