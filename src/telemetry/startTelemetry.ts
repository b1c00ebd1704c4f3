import { metrics } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  ConsoleMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NodeTracerProvider,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TelemetrySettings } from '../config';

/** Where one signal goes: Application Insights, an OTLP/HTTP collector, the console, or nowhere. */
export type SignalExport = 'applicationInsights' | 'otlp' | 'console' | 'none';

/** Where the traces and the metrics go. */
export interface TelemetryExport {
  traces: SignalExport;
  metrics: SignalExport;
}

let running: { export: TelemetryExport; stop: () => Promise<void> } | undefined;

/**
 * Where the settings send each signal: everything to Application Insights when its connection string is
 * set; else each signal to its `OTEL_*_EXPORTER`, or over OTLP when an OTLP endpoint for it is set.
 */
export function telemetryExport(settings: TelemetrySettings): TelemetryExport {
  if (settings.applicationInsightsConnectionString)
    return { traces: 'applicationInsights', metrics: 'applicationInsights' };
  const otlpTraces = settings.otlpEndpoint ?? settings.otlpTracesEndpoint;
  const otlpMetrics = settings.otlpEndpoint ?? settings.otlpMetricsEndpoint;
  return {
    traces: settings.tracesExporter ?? (otlpTraces ? 'otlp' : 'none'),
    metrics: settings.metricsExporter ?? (otlpMetrics ? 'otlp' : 'none'),
  };
}

/**
 * Starts the OpenTelemetry SDK once per process, when the app loads, with the exporters that
 * `telemetryExport` picks: Application Insights (`useAzureMonitor`: traces and the metrics of every
 * meter), OTLP/HTTP or the console. With neither signal exported nothing starts: spans and instruments
 * stay no-ops, and a provider registered before (a test's) keeps receiving them.
 */
export function startTelemetry(
  settings: TelemetrySettings,
  warn: (message: string) => void = (message) => console.warn(message),
): TelemetryExport {
  if (running) return running.export;
  const chosen = telemetryExport(settings);
  const otlpAsked =
    settings.otlpEndpoint ??
    settings.otlpTracesEndpoint ??
    settings.otlpMetricsEndpoint ??
    [settings.tracesExporter, settings.metricsExporter].find((name) => name === 'otlp');
  if (settings.applicationInsightsConnectionString && otlpAsked)
    // Names the settings only: their values may hold keys.
    warn(
      'APPLICATIONINSIGHTS_CONNECTION_STRING is set: telemetry goes to Application Insights, and the OTLP ' +
        'settings are ignored; see docs/telemetry.md.',
    );
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName });
  if (settings.applicationInsightsConnectionString) {
    running = startAzureMonitor(settings.applicationInsightsConnectionString, resource);
  } else {
    running = { export: chosen, stop: startProviders(chosen, settings, resource) };
  }
  return running.export;
}

/** Flushes and stops what startTelemetry started (when the app terminates); a failed flush only warns. */
export async function stopTelemetry(
  warn: (message: string) => void = (message) => console.warn(message),
): Promise<void> {
  const stopping = running;
  running = undefined;
  await stopping?.stop().catch((error: unknown) => {
    warn(`Telemetry could not be flushed: ${error instanceof Error ? error.message : String(error)}`);
  });
}

function startAzureMonitor(connectionString: string, resource: Resource) {
  // Loaded only when used: it pulls in the exporter, instrumentations and their patches.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const monitor = require('@azure/monitor-opentelemetry') as typeof import('@azure/monitor-opentelemetry');
  // Every trace is kept: the default rate limit (5 traces/s) drops the first spans after start, and a
  // job's trace is worth keeping whole.
  monitor.useAzureMonitor({
    azureMonitorExporterOptions: { connectionString },
    resource,
    samplingRatio: 1,
    tracesPerSecond: 0,
  });
  return {
    export: { traces: 'applicationInsights', metrics: 'applicationInsights' } as const,
    stop: () => monitor.shutdownAzureMonitor(),
  };
}

type Resource = ReturnType<typeof resourceFromAttributes>;

/** Registers the providers that the chosen exporters need; returns what flushes and stops them. */
function startProviders(chosen: TelemetryExport, settings: TelemetrySettings, resource: Resource) {
  const spans = spanExporter(chosen.traces);
  // The batch's delay, size and timeout come from the OTEL_BSP_* settings, as OpenTelemetry specifies.
  const tracing = spans
    ? new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(spans)] })
    : undefined;
  // Registering also installs the context manager that carries the active span across awaits.
  tracing?.register();
  const exporter = metricExporter(chosen.metrics);
  const meters = exporter
    ? new MeterProvider({
        resource,
        readers: [
          new PeriodicExportingMetricReader({
            exporter,
            exportIntervalMillis: settings.metricExportIntervalMs,
          }),
        ],
      })
    : undefined;
  if (meters) metrics.setGlobalMeterProvider(meters);
  return async () => {
    await Promise.all([tracing?.shutdown(), meters?.shutdown()]);
  };
}

// The OTLP exporters are loaded only when used. They read their endpoint, headers, timeout and
// compression from the OTEL_EXPORTER_OTLP_* settings themselves, and post JSON (http/json).

function spanExporter(to: SignalExport): SpanExporter | undefined {
  if (to === 'console') return new ConsoleSpanExporter();
  if (to !== 'otlp') return undefined;
  type Otlp = typeof import('@opentelemetry/exporter-trace-otlp-http');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const otlp = require('@opentelemetry/exporter-trace-otlp-http') as Otlp;
  return new otlp.OTLPTraceExporter();
}

function metricExporter(to: SignalExport): PushMetricExporter | undefined {
  if (to === 'console') return new ConsoleMetricExporter();
  if (to !== 'otlp') return undefined;
  type Otlp = typeof import('@opentelemetry/exporter-metrics-otlp-http');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const otlp = require('@opentelemetry/exporter-metrics-otlp-http') as Otlp;
  return new otlp.OTLPMetricExporter();
}
