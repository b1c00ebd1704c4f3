import { z } from 'zod';
import { ValidationError } from '../../errors';
import type { DataContainers } from '../../storage/DataContainers';
import type { StyleVideoInput } from './videoJobContracts';

/** The defaults a video job takes from the app's settings. */
export interface VideoDefaults {
  readonly inputContainer: string;
  readonly outputContainer: string;
  readonly model: string;
  readonly batchFrames: number;
  readonly maxInFlight: number;
  readonly unitTimeoutSeconds: number;
  readonly maxAttempts: number;
}

/** `POST /api/videos`: what a caller may set; everything else comes from the defaults. */
export const videoJobRequest = z.strictObject({
  input: z.strictObject({
    container: z.string().min(1).optional(),
    blob: z.string().min(1, 'names the video blob'),
  }),
  model: z.string().min(1).optional(),
  output: z
    .strictObject({
      container: z.string().min(1).optional(),
      codec: z.enum(['h264', 'lossless']).optional(),
    })
    .optional(),
  batchFrames: z.number().int().min(1).max(256).optional(),
  maxInFlight: z.number().int().min(1).max(64).optional(),
  unitTimeoutSeconds: z.number().int().min(10).max(86_400).optional(),
  maxAttempts: z.number().int().min(1).max(10).optional(),
});
export type VideoJobRequest = z.infer<typeof videoJobRequest>;

/** Parses a request body; a bad field is a 400 naming it. */
export function parseVideoJobRequest(body: unknown): VideoJobRequest {
  const parsed = videoJobRequest.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.') || '(body)';
  throw new ValidationError(`Invalid video job: ${field} ${issue.message}.`, { field });
}

/** The orchestration's input: defaults filled in, containers checked against what jobs may use. */
export function resolveVideoJob(
  request: VideoJobRequest,
  defaults: VideoDefaults,
  containers: DataContainers,
  jobId: string,
): StyleVideoInput {
  const source = { container: request.input.container ?? defaults.inputContainer, blob: request.input.blob };
  const outputContainer = request.output?.container ?? defaults.outputContainer;
  containers.checkRead(source.container, 'input.container');
  containers.checkWrite(outputContainer, 'output.container');
  return {
    jobId,
    source,
    model: request.model ?? defaults.model,
    outputContainer,
    outputCodec: request.output?.codec ?? 'h264',
    batchFrames: request.batchFrames ?? defaults.batchFrames,
    maxInFlight: request.maxInFlight ?? defaults.maxInFlight,
    unitTimeoutSeconds: request.unitTimeoutSeconds ?? defaults.unitTimeoutSeconds,
    maxAttempts: request.maxAttempts ?? defaults.maxAttempts,
  };
}
