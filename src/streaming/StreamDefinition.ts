import { z } from 'zod';
import { ValidationError } from '../errors';
import { modelRefProblem } from '../runtime/models/ModelRef';
import { parseWindowFeature } from './windows/windowFeatures';

/** The JSON types a stream's event fields may have; features must be numbers. */
export const fieldTypes = ['number', 'integer', 'string', 'boolean', 'timestamp'] as const;
export type FieldType = (typeof fieldTypes)[number];

// Stream names become function names (`stream-<name>`), blob folders and table keys.
const streamName = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/, 'must be a letter then letters, digits or "-" (at most 63)');
const fieldName = z.string().min(1, 'must not be empty');

/** `30s`, `5m`, `1h`: a duration in seconds, minutes or hours, as milliseconds. */
const duration = z
  .string()
  .regex(/^[0-9]+(ms|s|m|h)$/, 'must be a whole number with a unit: ms, s, m or h (e.g. "1m")')
  .transform((text) => {
    const [, amount, unit] = /^([0-9]+)(ms|s|m|h)$/.exec(text)!;
    const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
    return Number(amount) * unitMs;
  });

const positiveDuration = duration.refine((ms) => ms > 0, 'must be longer than 0');

const windowSpec = z.strictObject({
  kind: z.enum(['tumbling', 'hopping'], { error: 'must be "tumbling" or "hopping"' }).default('tumbling'),
  size: positiveDuration,
  /** Hopping windows only: a window starts every `hop`, each `size` long. */
  hop: positiveDuration.optional(),
  allowedLateness: duration.default(0),
  /** A timestamp field of the event; the enqueued time when absent. */
  eventTime: fieldName.optional(),
  /**
   * Events for a window already committed: `drop` counts them and keeps them apart (`_late/`), never
   * scored; `reopen` commits the window again, with them, as its next version.
   */
  late: z.enum(['drop', 'reopen'], { error: 'must be "drop" or "reopen"' }).default('drop'),
  /** How long after its end (plus lateness) an idle stream's window closes anyway; default its size. */
  idleTimeout: positiveDuration.optional(),
  /**
   * What moves windows to their close: `latest` (the latest event time seen in any partition: windows
   * close soonest) or `partitions` (the earliest of the partitions' latest event times: a partition
   * running behind holds windows open instead of seeing its events turn late; one that sent nothing
   * for the idle timeout no longer holds them).
   */
  watermark: z
    .enum(['latest', 'partitions'], { error: 'must be "latest" or "partitions"' })
    .default('latest'),
});

const outputsSpec = z.strictObject({
  /** The container outputs go to; the app's output container when absent. */
  container: z.string().optional(),
  folder: z
    .string()
    .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'must be a blob folder such as "streams/telemetry"'),
  format: z.enum(['jsonl', 'csv']).default('jsonl'),
  /** Rows whose prediction (`output`, else the first one) exceeds `above` also go to an alerts blob. */
  alert: z.strictObject({ above: z.number(), output: z.string().optional() }).optional(),
});

const definitionSchema = z
  .strictObject({
    name: streamName,
    source: z.strictObject({
      hub: z.string().min(1, 'must name the event hub'),
      consumerGroup: z.string().min(1).default('$Default'),
      /** The app setting holding the Event Hubs connection string. */
      connection: z.string().min(1).default('EventHubConnection'),
    }),
    schema: z.record(fieldName, z.enum(fieldTypes)).refine((schema) => Object.keys(schema).length > 0, {
      message: 'must list at least one field',
    }),
    key: fieldName,
    mode: z.enum(['perEvent', 'window']).default('perEvent'),
    window: windowSpec.optional(),
    features: z.array(fieldName).min(1, 'must list at least one feature'),
    model: z.string().superRefine((text, context) => {
      const problem = modelRefProblem(text);
      if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
    }),
    outputs: outputsSpec,
  })
  .superRefine((spec, context) => {
    const issue = (path: (string | number)[], message: string) =>
      context.addIssue({ code: 'custom', path, message });
    if (spec.mode === 'window' && spec.window === undefined)
      issue(['window'], 'is required when mode is "window" (e.g. { "size": "1m" })');
    if (spec.mode === 'perEvent' && spec.window !== undefined)
      issue(['window'], 'applies only to mode "window"');
    if (!(spec.key in spec.schema)) issue(['key'], `"${spec.key}" is not a field of the schema`);
    spec.features.forEach((feature, index) => {
      const problem = featureProblem(spec.schema, spec.mode, feature);
      if (problem !== undefined) issue(['features', index], problem);
    });
    if (new Set(spec.features).size !== spec.features.length) issue(['features'], 'lists a field twice');
    if (spec.window !== undefined)
      windowProblems(spec.window).forEach(([field, message]) => issue(['window', field], message));
    const eventTime = spec.window?.eventTime;
    if (eventTime !== undefined && spec.schema[eventTime] !== 'timestamp')
      issue(['window', 'eventTime'], `"${eventTime}" must be a timestamp field of the schema`);
  });

/** Why a feature cannot feed the model: per event a number field, per window an aggregate of one. */
function featureProblem(
  schema: Readonly<Record<string, FieldType>>,
  mode: 'perEvent' | 'window',
  feature: string,
): string | undefined {
  let field = feature;
  if (mode === 'window') {
    const parsed = parseWindowFeature(feature);
    if (typeof parsed === 'string') return parsed;
    if (parsed.aggregate === 'count') return undefined;
    field = parsed.field;
  }
  const type = schema[field];
  if (type === undefined) return `"${field}" is not a field of the schema`;
  if (type !== 'number' && type !== 'integer')
    return `"${field}" is a ${type} field; features must be number or integer`;
  return undefined;
}

type WindowSpec = z.infer<typeof windowSpec>;

function windowProblems(window: WindowSpec): [keyof WindowSpec, string][] {
  if (window.kind === 'tumbling')
    return window.hop === undefined ? [] : [['hop', 'applies only to hopping windows']];
  if (window.hop === undefined) return [['hop', 'is required for hopping windows (e.g. "30s")']];
  if (window.hop > window.size) return [['hop', 'must not be longer than window.size']];
  if (window.size / window.hop > 100)
    return [['hop', 'puts each event in more than 100 windows: make it at least window.size / 100']];
  return [];
}

/** A stream definition as written in `streams/<name>.json`, with its defaults applied. */
export type StreamDefinition = Readonly<z.infer<typeof definitionSchema>>;

/**
 * Parses one stream definition; a bad one is a ValidationError naming the file and the field
 * (`features[2]`, `source.hub`) and saying what is expected.
 */
export function parseStreamDefinition(json: unknown, file: string): StreamDefinition {
  const parsed = definitionSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = fieldPath(issue.path) || '(definition)';
  const message =
    issue.code === 'unrecognized_keys' ? `has unknown field(s) ${issue.keys.join(', ')}` : issue.message;
  throw new ValidationError(`Stream definition ${file}: ${field} ${message}`, { field });
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index > 0 ? '.' : ''}${String(part)}`))
    .join('');
}
