import { loadTelemetrySettings } from '../../../src/config';
import { startTelemetry, stopTelemetry, telemetryExport } from '../../../src/telemetry';

describe('loadTelemetrySettings', () => {
  it('exports nothing by default', () => {
    expect(loadTelemetrySettings({})).toEqual({
      metricExportIntervalMs: 60_000,
      serviceName: 'durable-scoring',
    });
  });

  it('reads OpenTelemetry’s own setting names, exporters case-insensitively, empty as unset', () => {
    expect(
      loadTelemetrySettings({
        OTEL_TRACES_EXPORTER: 'Console',
        OTEL_METRICS_EXPORTER: '',
        OTEL_METRIC_EXPORT_INTERVAL: '5000',
        OTEL_SERVICE_NAME: 'scoring-eu',
      }),
    ).toEqual({ tracesExporter: 'console', metricExportIntervalMs: 5000, serviceName: 'scoring-eu' });
  });

  it('reads the OTLP endpoints, the per-signal ones apart', () => {
    expect(
      loadTelemetrySettings({
        OTEL_EXPORTER_OTLP_ENDPOINT: ' http://127.0.0.1:4318 ',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/traces',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: '',
        OTEL_METRICS_EXPORTER: 'OTLP',
      }),
    ).toEqual({
      otlpEndpoint: 'http://127.0.0.1:4318',
      otlpTracesEndpoint: 'http://127.0.0.1:4318/traces',
      metricsExporter: 'otlp',
      metricExportIntervalMs: 60_000,
      serviceName: 'durable-scoring',
    });
  });

  it('names the setting of a bad value', () => {
    expect(() => loadTelemetrySettings({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(
      /^Invalid app setting OTEL_TRACES_EXPORTER: /,
    );
    expect(() => loadTelemetrySettings({ OTEL_METRIC_EXPORT_INTERVAL: 'soon' })).toThrow(
      /^Invalid app setting OTEL_METRIC_EXPORT_INTERVAL: /,
    );
  });
});

describe('telemetryExport', () => {
  const exportOf = (env: NodeJS.ProcessEnv) => telemetryExport(loadTelemetrySettings(env));

  it('exports nothing without a setting', () => {
    expect(exportOf({})).toEqual({ traces: 'none', metrics: 'none' });
  });

  it('sends both signals over OTLP when the endpoint is set, unless a signal’s exporter says otherwise', () => {
    const endpoint = 'http://127.0.0.1:4318';
    expect(exportOf({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint })).toEqual({ traces: 'otlp', metrics: 'otlp' });
    expect(exportOf({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_EXPORTER: 'console' })).toEqual({
      traces: 'console',
      metrics: 'otlp',
    });
    expect(exportOf({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_METRICS_EXPORTER: 'none' })).toEqual({
      traces: 'otlp',
      metrics: 'none',
    });
  });

  it('sends only the signal whose own endpoint is set, or whose exporter is otlp', () => {
    expect(exportOf({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toEqual({
      traces: 'otlp',
      metrics: 'none',
    });
    expect(exportOf({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://127.0.0.1:4318/v1/metrics' })).toEqual({
      traces: 'none',
      metrics: 'otlp',
    });
    // The exporter's own default endpoint then: http://localhost:4318.
    expect(exportOf({ OTEL_METRICS_EXPORTER: 'otlp' })).toEqual({ traces: 'none', metrics: 'otlp' });
  });

  it('sends everything to Application Insights when its connection string is set', () => {
    expect(
      exportOf({
        APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-0000-0000-000000000000',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
        OTEL_TRACES_EXPORTER: 'console',
      }),
    ).toEqual({ traces: 'applicationInsights', metrics: 'applicationInsights' });
  });
});

describe('startTelemetry', () => {
  afterEach(() => stopTelemetry());

  it('starts the OTLP exporters for an endpoint, without a warning', () => {
    const warnings: string[] = [];
    const settings = loadTelemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    expect(startTelemetry(settings, (message) => warnings.push(message))).toEqual({
      traces: 'otlp',
      metrics: 'otlp',
    });
    expect(warnings).toEqual([]);
  });

  it('starts once: a second start keeps the first', () => {
    const warn = () => undefined;
    const console = { traces: 'none', metrics: 'console' };
    expect(startTelemetry(loadTelemetrySettings({ OTEL_METRICS_EXPORTER: 'console' }), warn)).toEqual(
      console,
    );
    expect(startTelemetry(loadTelemetrySettings({}), warn)).toEqual(console);
  });
});
