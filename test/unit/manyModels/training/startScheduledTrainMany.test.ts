import { OrchestrationRuntimeStatus, type DurableClient } from 'durable-functions';
import { parseTrainManyDeclaration } from '../../../../src/manyModels/training/TrainManyDeclaration';
import { startScheduledTrainMany } from '../../../../src/manyModels/training/startScheduledTrainMany';
import { DataContainers } from '../../../../src/storage/DataContainers';

// Which scheduled runs start, against a task hub held in memory: one per occurrence, none while another
// run of the model is running, none for a container the app may not read.

interface Instance {
  name: string;
  instanceId: string;
  input: unknown;
  runtimeStatus: OrchestrationRuntimeStatus;
}

function taskHub(existing: Instance[] = []) {
  const instances = new Map(existing.map((instance) => [instance.instanceId, instance]));
  const client = {
    getStatus: (id: string) => Promise.resolve(instances.get(id) ?? {}),
    getStatusBy: (filter: { runtimeStatus?: OrchestrationRuntimeStatus[] }) =>
      Promise.resolve(
        [...instances.values()].filter((i) => filter.runtimeStatus?.includes(i.runtimeStatus) ?? true),
      ),
    startNew: (name: string, options: { instanceId: string; input: unknown }) => {
      instances.set(options.instanceId, {
        name,
        instanceId: options.instanceId,
        input: options.input,
        runtimeStatus: OrchestrationRuntimeStatus.Pending,
      });
      return Promise.resolve(options.instanceId);
    },
  } as unknown as DurableClient;
  return { client, instances };
}

const containers = new DataContainers({
  read: ['training-data'],
  write: [],
  appContainers: [],
  watchedContainers: [],
  settings: { read: 'DATA_READ_CONTAINERS', write: 'DATA_WRITE_CONTAINERS' },
});
const declaration = parseTrainManyDeclaration(
  {
    model: 'oj-sales',
    dataset: { container: 'training-data', prefix: 'oj' },
    target: 'Quantity',
    time: 'WeekStarting',
    policy: { floor: 0.3 },
  },
  'manyModels/oj.json',
);
const occurrence = '2026-12-08T03:00:00.000Z';
const now = new Date('2026-12-08T03:00:01.200Z');

it('starts one run per occurrence, named by it; the occurrence fired again finds it', async () => {
  const { client, instances } = taskHub();
  const first = await startScheduledTrainMany(client, declaration, containers, occurrence, now);
  expect(first).toMatchObject({ outcome: 'started', runId: 'train-oj-sales-scheduled-20261208T030000Z' });
  expect(instances.get(first.runId)).toMatchObject({
    name: 'trainMany',
    input: {
      runId: first.runId,
      model: 'oj-sales',
      trigger: 'schedule',
      policy: { metric: 'r2', floor: 0.3 },
    },
  });
  const again = await startScheduledTrainMany(client, declaration, containers, occurrence, now);
  expect(again).toMatchObject({ outcome: 'existing', runId: first.runId });
  expect(instances.size).toBe(1);
});

it("skips an occurrence while another run of the model is running, not another model's", async () => {
  const running = (model: string, instanceId: string): Instance => ({
    name: 'trainMany',
    instanceId,
    input: { model },
    runtimeStatus: OrchestrationRuntimeStatus.Running,
  });
  const busy = taskHub([running('oj-sales', 'train-oj-sales-20261207T120000Z-abc123')]);
  const skipped = await startScheduledTrainMany(busy.client, declaration, containers, occurrence, now);
  expect(skipped).toMatchObject({
    outcome: 'skipped',
    reason: 'run train-oj-sales-20261207T120000Z-abc123 of oj-sales is still running',
  });
  expect(busy.instances.size).toBe(1);
  const other = taskHub([running('oj-sales-eu', 'train-oj-sales-eu-scheduled-20261208T030000Z')]);
  expect(await startScheduledTrainMany(other.client, declaration, containers, occurrence, now)).toMatchObject(
    {
      outcome: 'started',
    },
  );
});

it('skips a data set in a container the app may not read, saying which setting lists them', async () => {
  const elsewhere = parseTrainManyDeclaration(
    { ...declaration.request.training, model: 'm', dataset: { container: 'secret-stuff' } },
    'manyModels/m.json',
  );
  const { client, instances } = taskHub();
  const skipped = await startScheduledTrainMany(client, elsewhere, containers, occurrence, now);
  expect(skipped.outcome).toBe('skipped');
  expect(skipped.reason).toMatch(/^manyModels\/m\.json: .*secret-stuff.*DATA_READ_CONTAINERS/);
  expect(instances.size).toBe(0);
});
