import { randomBytes } from 'node:crypto';
import type { RpcTraceContext } from '../core/coreTypes';

/** A caller's W3C trace context: an HTTP request's `traceparent` and `tracestate` headers. */
export interface IncomingTraceContext {
  readonly traceParent?: string;
  readonly traceState?: string;
}

const traceParentPattern = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * The trace context one invocation runs under, as the Functions host sends it (`InvocationRequest.
 * trace_context`): the host's own invocation span, a child of the caller's `traceparent` when there is a
 * valid one (same trace id and flags, a new span id), else the root of a new, sampled trace. The caller's
 * `tracestate` goes along unchanged.
 */
export function invocationTraceContext(incoming?: IncomingTraceContext): RpcTraceContext {
  const parent = parseTraceParent(incoming?.traceParent);
  const spanId = randomHex(8);
  if (!parent) return { traceParent: `00-${randomHex(16)}-${spanId}-01`, traceState: '', attributes: {} };
  return {
    traceParent: `00-${parent.traceId}-${spanId}-${parent.flags}`,
    traceState: incoming?.traceState?.trim() ?? '',
    attributes: {},
  };
}

/** The trace id of a `traceparent`, or undefined when it is not a valid W3C trace context. */
export function traceIdOf(traceParent: string | undefined): string | undefined {
  return parseTraceParent(traceParent)?.traceId;
}

function parseTraceParent(value: string | undefined) {
  const match = value?.trim().toLowerCase().match(traceParentPattern);
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  // Version ff is invalid; version 00 has nothing after the flags; all-zero ids are invalid.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (/^0+$/.test(traceId!) || /^0+$/.test(spanId!)) return undefined;
  return { traceId: traceId!, flags: flags! };
}

function randomHex(bytes: number): string {
  let hex: string;
  do hex = randomBytes(bytes).toString('hex');
  while (/^0+$/.test(hex));
  return hex;
}
