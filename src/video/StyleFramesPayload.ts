import { z } from 'zod';
import { ValidationError } from '../errors';
import { modelNamePattern } from '../runtime/models/ModelCard';

/** Frames per inference call, at most: a 720×720 batch of 64 is already 400 MB of float input. */
export const maxBatchSize = 64;

const payloadSchema = z
  .object({
    /** The pinned registry model: the worker loads exactly these bytes. */
    model: z.object({
      name: z.string().regex(modelNamePattern, 'is not a model name'),
      version: z.int().positive(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, 'is not a lower-case hex SHA-256'),
    }),
    container: z.string().min(3).max(63).default('video-work'),
    /** Input frames are `{framesPrefix}{index:06}.png`. */
    framesPrefix: z.string().min(1),
    /** Styled frames are written to `{outputPrefix}{index:06}.png`, the same index. */
    outputPrefix: z.string().min(1),
    /** Inclusive, 1-based frame indices. */
    first: z.int().positive().max(999_999),
    last: z.int().positive().max(999_999),
    batchSize: z.int().positive().max(maxBatchSize),
  })
  .refine((payload) => payload.last >= payload.first, { message: 'is before "first"', path: ['last'] })
  .refine((payload) => payload.outputPrefix !== payload.framesPrefix, {
    message: 'is the frames prefix: styled frames would overwrite their inputs',
    path: ['outputPrefix'],
  });

/** The `styleFrames` work item's payload: a range of a video's frames to style with one model. */
export type StyleFramesPayload = z.infer<typeof payloadSchema>;

/** Parses a payload, or throws a ValidationError naming the first bad field. */
export function parseStyleFramesPayload(value: unknown): StyleFramesPayload {
  const parsed = payloadSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || undefined;
  const where = field === undefined ? '' : ` field "${field}"`;
  throw new ValidationError(`styleFrames payload${where}: ${issue?.message ?? 'invalid'}`, { field });
}

/** `{prefix}000042.png`: frame blobs, named as ffmpeg names the split frames. */
export function frameBlobName(prefix: string, index: number): string {
  return `${prefix}${String(index).padStart(6, '0')}.png`;
}
