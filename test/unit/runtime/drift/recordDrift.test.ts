import { metrics } from '@opentelemetry/api';
import { DataPointType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { DriftBreach } from '../../../../src/runtime/drift/DriftBreachHandler';
import type { DriftRecord, DriftStore } from '../../../../src/runtime/drift/DriftStore';
import { recordDrift } from '../../../../src/runtime/drift/recordDrift';
import type { DriftReport } from '../../../../src/runtime/drift/summarizeDrift';

// recordDrift's metrics through the OpenTelemetry SDK (read back by a pull reader), and what a breach
// hands to the breach handler.

class PullReader extends MetricReader {
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

const reader = new PullReader();
const provider = new MeterProvider({ readers: [reader] });
const saved: DriftRecord[] = [];
// The table is stood in for: what was written is kept for the assertions.
const store = {
  save: (record: DriftRecord) => Promise.resolve(void saved.push(record)),
} as unknown as DriftStore;

beforeAll(() => metrics.setGlobalMeterProvider(provider));
afterAll(async () => {
  metrics.disable();
  await provider.shutdown();
});

const threshold = { psiWarning: 0.1, psiBreach: 0.25 };
const report = (bmi: number, variable: number): DriftReport => ({
  status: bmi >= 0.25 || variable >= 0.25 ? 'breach' : 'ok',
  threshold,
  rows: 100,
  features: [
    { name: 'age', psi: 0.01, ks: 0.02, status: 'ok' },
    { name: 'bmi', psi: bmi, ks: 0.5, status: bmi >= 0.25 ? 'breach' : 'ok' },
  ],
  predictions: [{ name: 'variable', psi: variable, ks: 0.4, status: variable >= 0.25 ? 'breach' : 'ok' }],
});
const record = (id: string, drift: DriftReport, source: 'job' | 'window' = 'job'): DriftRecord => ({
  source,
  id,
  model: 'm',
  modelVersion: 4,
  completedTime: '2026-12-07T19:30:00.000Z',
  report: drift,
});

async function collected() {
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics.scopeMetrics
    .filter((scope) => scope.scope.name === 'durable-scoring')
    .flatMap((scope) => scope.metrics);
}

test('PSI per feature and output as a histogram; breaches counted by source; the handler gets what breached', async () => {
  const breaches: DriftBreach[] = [];
  const onBreach = (breach: DriftBreach) => {
    breaches.push(breach);
    return Promise.resolve({ retrainRun: 'm-drift-20261207T190000Z', started: true });
  };
  const ok = await recordDrift(record('j1', report(0.01, 0.02)), { store, retrainOnBreach: true, onBreach });
  expect(ok).toBeUndefined();
  const breached = await recordDrift(record('j2', report(0.9, 0.3)), {
    store,
    retrainOnBreach: true,
    onBreach,
  });
  expect(breached).toEqual({ retrainRun: 'm-drift-20261207T190000Z', started: true });
  // A card without retrainOnBreach: counted, nothing started.
  const undeclared = await recordDrift(record('s:1', report(0.9, 0), 'window'), {
    store,
    retrainOnBreach: false,
    onBreach,
  });
  expect(undeclared).toBeUndefined();
  expect(saved.map((r) => r.id)).toEqual(['j1', 'j2', 's:1']);
  expect(breaches).toEqual([
    {
      source: 'job',
      id: 'j2',
      model: 'm',
      modelVersion: 4,
      completedTime: '2026-12-07T19:30:00.000Z',
      breached: ['bmi', 'prediction:variable'],
    },
  ]);

  const measured = await collected();
  const psi = measured.find((m) => m.descriptor.name === 'drift.psi')!;
  expect(psi.dataPointType).toBe(DataPointType.HISTOGRAM);
  const byFeature = Object.fromEntries(
    psi.dataPoints.map((point) => [
      `${String(point.attributes.kind)}:${String(point.attributes.feature)}`,
      point.value as { count: number; sum: number },
    ]),
  );
  expect(Object.keys(byFeature).sort()).toEqual(['input:age', 'input:bmi', 'prediction:variable']);
  expect(byFeature['input:bmi']).toMatchObject({ count: 3, sum: 0.01 + 0.9 + 0.9 });
  expect(byFeature['prediction:variable']).toMatchObject({ count: 3, sum: 0.02 + 0.3 });
  expect(psi.dataPoints[0]!.attributes).toMatchObject({ model: 'm', 'model.version': 4 });
  const counter = measured.find((m) => m.descriptor.name === 'drift.breaches')!;
  expect(counter.dataPoints.map((point) => [point.attributes, point.value])).toEqual([
    [{ model: 'm', source: 'job' }, 1],
    [{ model: 'm', source: 'window' }, 1],
  ]);
});

test('a handler that fails leaves the record written and says why no retrain started', async () => {
  const response = await recordDrift(record('j3', report(0.9, 0)), {
    store,
    retrainOnBreach: true,
    onBreach: () => Promise.reject(new Error('the task hub is not reachable')),
  });
  expect(response).toEqual({ error: 'the task hub is not reachable' });
  expect(saved.at(-1)!.id).toBe('j3');
});
