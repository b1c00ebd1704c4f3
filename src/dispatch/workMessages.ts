import type { z } from 'zod';
import { ValidationError } from '../errors';
import { workItemSchema, workResultSchema, type WorkItem, type WorkResult } from './workContracts';

// A queue message holds 64 KiB; base64 makes 4 characters of 3 bytes.
const maxJsonBytes = 48 * 1024;

/**
 * A message body as the Functions queue trigger reads it by default (`messageEncoding: base64`):
 * the JSON text, UTF-8, base64-encoded.
 */
export function encodeQueueMessage(value: WorkItem | WorkResult): string {
  const json = Buffer.from(JSON.stringify(value), 'utf8');
  if (json.length > maxJsonBytes) {
    throw new ValidationError(
      `Work message for ${value.itemId} is ${json.length} bytes of JSON; a queue message holds ${maxJsonBytes}. Put large inputs in blobs and pass their names.`,
      { field: 'payload' },
    );
  }
  return json.toString('base64');
}

export function decodeWorkItem(messageText: string): WorkItem {
  return decodeMessage(messageText, workItemSchema, 'work item');
}

export function decodeWorkResult(messageText: string): WorkResult {
  return decodeMessage(messageText, workResultSchema, 'work result');
}

/** A result as a queue-triggered function receives it (already decoded and parsed by the trigger). */
export function parseWorkResult(value: unknown): WorkResult {
  return checkMessage(value, workResultSchema, 'work result');
}

function decodeMessage<T>(messageText: string, schema: z.ZodType<T>, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(messageText, 'base64').toString('utf8'));
  } catch {
    throw new ValidationError(`The ${what} message is not base64-encoded JSON.`);
  }
  return checkMessage(value, schema, what);
}

function checkMessage<T>(value: unknown, schema: z.ZodType<T>, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') ?? '';
  throw new ValidationError(`The ${what} message has a bad field ${field || '(root)'}: ${issue?.message}`, {
    field,
  });
}
