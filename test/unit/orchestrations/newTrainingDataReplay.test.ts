import { EventType } from '../../../src/host/durable/history/HistoryEvent';
import { newTrainingData } from '../../../src/orchestrations/newTrainingData';
import {
  checkNewTrainingDataActivity,
  trainingDataArrivalsEntity,
  type CheckNewDataInput,
  type NewTrainingDataInput,
  type NewTrainingDataOutcome,
} from '../../../src/training/retrain/newData/newDataContracts';
import { trainingDataArrivals } from '../../../src/training/retrain/newData/trainingDataArrivals';
import type { RetrainInput } from '../../../src/training/retrain/retrainContracts';
import { runInMemory, type Activity } from '../durable/replayHarness';

// newTrainingData's own code through the SDK's replay, with the real trainingDataArrivals entity (in
// memory, on the virtual clock: one second per episode) and other blobs' arrivals sent to it as signals.

const generator = newTrainingData as unknown as (context: unknown) => Generator<unknown, unknown, unknown>;
const input: NewTrainingDataInput = {
  model: 'diabetes',
  blob: 'train/d/a.csv',
  etag: '"1"',
  quietSeconds: 10,
};
const entity = { name: trainingDataArrivalsEntity, key: 'diabetes' };
const arrival = (blob: string, second: number, afterEpisode: number) => ({
  entity,
  operation: 'arrive',
  input: {
    blob,
    at: `2026-01-01T00:00:${String(second).padStart(2, '0')}.000Z`,
    instanceId: `other-${blob}`,
  },
  afterEpisode,
});

function simulated(passed: (blobs: readonly string[]) => boolean) {
  const checks: CheckNewDataInput[] = [];
  const runs: { input: RetrainInput; instanceId: string }[] = [];
  const activities: Record<string, Activity> = {
    [checkNewTrainingDataActivity]: (raw) => {
      const check = raw as CheckNewDataInput;
      checks.push(check);
      const ok = passed(check.blobs);
      return { checkId: check.checkId, passed: ok, decision: ok ? 'passed' : 'failed', report: 'r.json' };
    },
  };
  const children = {
    retrain: (raw: unknown, instanceId: string) => {
      runs.push({ input: raw as RetrainInput, instanceId });
      return { runId: instanceId, model: 'diabetes', status: 'Promoted', decision: 'better', report: 'x' };
    },
  };
  return {
    checks,
    runs,
    activities,
    children,
    entities: { [trainingDataArrivalsEntity]: trainingDataArrivals as never },
  };
}

const timers = (history: { EventType: number }[]) =>
  history.filter((event) => event.EventType === EventType.TimerCreated).length;

describe('newTrainingData', () => {
  it('waits out a burst (each arrival restarts the quiet period), then checks and runs once on all of it', async () => {
    const sim = simulated(() => true);
    const run = await runInMemory(generator, sim.activities, {
      input,
      children: sim.children,
      entities: sim.entities,
      signals: [
        arrival('train/d/b.csv', 4, 2),
        arrival('train/d/c.csv', 6, 2),
        arrival('train/d/d.csv', 14, 4),
        arrival('train/d/e.csv', 15, 4),
        // The same blob again (a trigger fired twice) counts once.
        arrival('train/d/b.csv', 15, 4),
      ],
    });
    const blobs = ['a', 'b', 'c', 'd', 'e'].map((name) => `train/d/${name}.csv`);
    const output = run.output as NewTrainingDataOutcome;
    expect(run.status).toBe('Completed');
    expect(output.collected).toBe(true);
    expect(output.bursts).toHaveLength(1);
    expect(sim.checks).toHaveLength(1);
    expect(sim.checks[0]?.blobs).toEqual(blobs);
    expect(sim.runs).toHaveLength(1);
    const runId = sim.checks[0]!.checkId;
    expect(runId).toMatch(/^diabetes-data-20260101T0000\d\dZ-stance1$/);
    expect(sim.runs[0]).toEqual({
      instanceId: runId,
      input: { runId, model: 'diabetes', trigger: 'data', newData: { check: runId, blobs } },
    });
    // Each arrival moved the end of the quiet period: the check came 10 s after the last one (15 s).
    expect(Date.parse(sim.checks[0]!.startedAt)).toBeGreaterThanOrEqual(Date.parse('2026-01-01T00:00:25Z'));
    expect(timers(run.history)).toBeGreaterThanOrEqual(2);
    // The last take found nothing pending: no collector is left behind.
    const state = run.entities.get('@trainingdataarrivals@diabetes');
    expect(JSON.parse(state?.state ?? 'null')).toEqual({ pending: [] });
  });

  it('ends at once when another orchestration collects already', async () => {
    const sim = simulated(() => true);
    const first = await runInMemory(generator, sim.activities, {
      input: { ...input, blob: 'train/d/late.csv' },
      children: sim.children,
      entities: sim.entities,
      // Another blob's orchestration reported first and collects.
      signals: [arrival('train/d/a.csv', 0, 1)],
    });
    expect(first.output).toEqual({ model: 'diabetes', collected: false, bursts: [] });
    expect(sim.checks).toEqual([]);
    const state = JSON.parse(first.entities.get('@trainingdataarrivals@diabetes')?.state ?? 'null');
    expect(state).toMatchObject({
      pending: ['train/d/a.csv', 'train/d/late.csv'],
      collector: 'other-train/d/a.csv',
    });
  });

  it('starts no run when the check fails, and runs a burst that came during a run after it', async () => {
    const sim = simulated((blobs) => !blobs.includes('train/d/bad.csv'));
    const run = await runInMemory(generator, sim.activities, {
      input: { ...input, blob: 'train/d/bad.csv' },
      children: sim.children,
      entities: sim.entities,
      // Arrives while the first burst is being checked: the collector takes it next.
      signals: [arrival('train/d/good.csv', 13, 5)],
    });
    const output = run.output as NewTrainingDataOutcome;
    expect(output.bursts.map((burst) => [burst.blobs, burst.check?.passed, burst.run?.status])).toEqual([
      [['train/d/bad.csv'], false, undefined],
      [['train/d/good.csv'], true, 'Promoted'],
    ]);
    expect(sim.runs.map((started) => started.input.newData?.blobs)).toEqual([['train/d/good.csv']]);
    expect(sim.checks[0]?.checkId).not.toBe(sim.checks[1]?.checkId);
  });
});
