import { metrics } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  ConsoleMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, ConsoleSpanExporter, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TelemetrySettings } from '../config';

/** Where telemetry goes: Application Insights, the console (traces, metrics or both), or nowhere. */
export type TelemetryExport = 'applicationInsights' | 'console' | 'none';

let running: { export: TelemetryExport; stop: () => Promise<void> } | undefined;

/**
 * Starts the OpenTelemetry SDK once per process, when the app loads: Application Insights when its
 * connection string is set (`useAzureMonitor`: traces and the metrics of every meter), else the console
 * exporters that `OTEL_TRACES_EXPORTER` / `OTEL_METRICS_EXPORTER` ask for, else nothing — spans and
 * instruments then stay no-ops, and a provider registered before (a test's) keeps receiving them.
 */
export function startTelemetry(
  settings: TelemetrySettings,
  warn: (message: string) => void = (message) => console.warn(message),
): TelemetryExport {
  if (running) return running.export;
  if (settings.otlpEndpoint || settings.tracesExporter === 'otlp' || settings.metricsExporter === 'otlp')
    warn(
      'OTLP export is not included in this app: telemetry goes to Application Insights ' +
        '(APPLICATIONINSIGHTS_CONNECTION_STRING) or the console (OTEL_TRACES_EXPORTER=console); see docs/telemetry.md.',
    );
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName });
  if (settings.applicationInsightsConnectionString) {
    running = startAzureMonitor(settings.applicationInsightsConnectionString, resource);
  } else if (settings.tracesExporter === 'console' || settings.metricsExporter === 'console') {
    running = startConsole(settings, resource);
  } else {
    running = { export: 'none', stop: () => Promise.resolve() };
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

function startAzureMonitor(connectionString: string, resource: ReturnType<typeof resourceFromAttributes>) {
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
  return { export: 'applicationInsights' as const, stop: () => monitor.shutdownAzureMonitor() };
}

function startConsole(settings: TelemetrySettings, resource: ReturnType<typeof resourceFromAttributes>) {
  const tracing =
    settings.tracesExporter === 'console'
      ? new NodeTracerProvider({
          resource,
          spanProcessors: [new BatchSpanProcessor(new ConsoleSpanExporter())],
        })
      : undefined;
  // Registering also installs the context manager that carries the active span across awaits.
  tracing?.register();
  const meters =
    settings.metricsExporter === 'console'
      ? new MeterProvider({
          resource,
          readers: [
            new PeriodicExportingMetricReader({
              exporter: new ConsoleMetricExporter(),
              exportIntervalMillis: settings.metricExportIntervalMs,
            }),
          ],
        })
      : undefined;
  if (meters) metrics.setGlobalMeterProvider(meters);
  return {
    export: 'console' as const,
    stop: async () => {
      await Promise.all([tracing?.shutdown(), meters?.shutdown()]);
    },
  };
}
