import {
  context,
  createTraceState,
  isSpanContextValid,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Span,
  type SpanKind,
} from '@opentelemetry/api';
import { tracerName } from './telemetryNames';

/** A W3C trace context as it travels in data: an orchestration's input, a job plan, a work item. */
export interface TraceCarrier {
  /** `00-<trace id>-<span id>-<flags>`; absent when the work was started without one. */
  readonly traceParent?: string;
  readonly traceState?: string;
}

const traceParentPattern = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The context whose parent span is the carried `traceparent` (and `tracestate`), or the active context
 * when there is none or it is not a valid W3C trace context. No SDK or propagator is needed for this.
 */
export function contextFromTraceParent(carrier: TraceCarrier | undefined): Context {
  const match = carrier?.traceParent?.trim().toLowerCase().match(traceParentPattern);
  if (!match || match[1] === 'ff') return context.active();
  const spanContext = {
    traceId: match[2]!,
    spanId: match[3]!,
    traceFlags: parseInt(match[4]!, 16) & TraceFlags.SAMPLED,
    isRemote: true,
    ...(carrier?.traceState ? { traceState: createTraceState(carrier.traceState) } : {}),
  };
  return isSpanContextValid(spanContext)
    ? trace.setSpanContext(context.active(), spanContext)
    : context.active();
}

/** The active span's `traceparent` (and `tracestate`), to carry into work started from here; `{}` if none. */
export function currentTraceParent(active: Context = context.active()): TraceCarrier {
  const spanContext = trace.getSpanContext(active);
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  const traceState = spanContext.traceState?.serialize();
  return {
    traceParent: `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`,
    ...(traceState ? { traceState } : {}),
  };
}

export interface SpanOptions {
  /** The parent, as carried in data; the active context's span when absent. */
  readonly parent?: TraceCarrier;
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
}

/**
 * Runs `work` inside a new active span (a child of `options.parent`), which ends when `work` settles,
 * with an error status if it throws. With no SDK started the span is a no-op and costs next to nothing.
 */
export async function withSpan<T>(
  name: string,
  options: SpanOptions,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = contextFromTraceParent(options.parent);
  const span = trace
    .getTracer(tracerName)
    .startSpan(name, { kind: options.kind, attributes: options.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message });
    throw error;
  } finally {
    span.end();
  }
}
