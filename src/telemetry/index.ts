export { appMetrics, type AppMetrics } from './appMetrics';
export {
  startTelemetry,
  stopTelemetry,
  telemetryExport,
  type SignalExport,
  type TelemetryExport,
} from './startTelemetry';
export { jobIdAttribute, meterName, runIdAttribute, tracerName } from './telemetryNames';
export {
  contextFromTraceParent,
  currentTraceParent,
  withSpan,
  type SpanOptions,
  type TraceCarrier,
} from './traceParents';
export { traceInvocation } from './traceInvocation';
