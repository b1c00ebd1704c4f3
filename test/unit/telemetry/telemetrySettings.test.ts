import { loadTelemetrySettings } from '../../../src/config';
import { startTelemetry, stopTelemetry } from '../../../src/telemetry';

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

  it('names the setting of a bad value', () => {
    expect(() => loadTelemetrySettings({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(
      /^Invalid app setting OTEL_TRACES_EXPORTER: /,
    );
    expect(() => loadTelemetrySettings({ OTEL_METRIC_EXPORT_INTERVAL: 'soon' })).toThrow(
      /^Invalid app setting OTEL_METRIC_EXPORT_INTERVAL: /,
    );
  });
});

describe('startTelemetry', () => {
  afterEach(() => stopTelemetry());

  it('starts nothing without a setting, and warns that OTLP is not included', () => {
    const warnings: string[] = [];
    const settings = loadTelemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' });
    expect(startTelemetry(settings, (message) => warnings.push(message))).toBe('none');
    expect(warnings).toEqual([expect.stringMatching(/^OTLP export is not included in this app/)]);
  });

  it('starts once: a second start keeps the first', () => {
    const warn = () => undefined;
    expect(startTelemetry(loadTelemetrySettings({ OTEL_METRICS_EXPORTER: 'console' }), warn)).toBe('console');
    expect(startTelemetry(loadTelemetrySettings({}), warn)).toBe('console');
  });
});
