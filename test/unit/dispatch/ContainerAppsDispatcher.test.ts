import type { AccessToken, TokenCredential } from '@azure/identity';
import { ContainerAppsDispatcher, workItemSchema, type WorkItem } from '../../../src/dispatch';
import { StorageClients } from '../../../src/storage/StorageClients';
import { startArmStandIn, type ArmRequest, type ArmStandIn } from '../../support/armStandIn';
import { uniqueName } from '../../support/testStorage';

// The ARM REST API of Container Apps jobs (Jobs - Start, Jobs Executions - List, Job Execution), checked
// against a local HTTPS stand-in: no Azure subscription is reachable from the tests.
const subscriptionId = '0b9d1f3e-5a7c-4e2b-9d8f-1a2b3c4d5e6f';
const jobPath = `/subscriptions/${subscriptionId}/resourceGroups/rg-scoring/providers/Microsoft.App/jobs/scoring-worker`;
const apiVersion = '2026-07-01';

function execution(name: string, status: string) {
  return {
    id: `${jobPath}/executions/${name}`,
    name,
    type: 'Microsoft.App/jobs/executions',
    properties: { status, startTime: '2026-01-02T03:04:05Z' },
  };
}

function armRoutes(running: number) {
  return (request: ArmRequest) => {
    if (request.method === 'GET' && request.path === `${jobPath}/executions`) {
      const executions = [execution('scoring-worker-old', 'Succeeded')];
      for (let index = 0; index < running; index += 1)
        executions.push(execution(`scoring-worker-r${index}`, 'Running'));
      return { status: 200, body: { value: executions } };
    }
    if (request.method === 'POST' && request.path === `${jobPath}/start`) {
      const name = `scoring-worker-s${request.body.length}`;
      return { status: 200, body: { name, id: `${jobPath}/executions/${name}` } };
    }
    if (request.method === 'GET' && request.path === `${jobPath}/executions/scoring-worker-r0`)
      return { status: 200, body: execution('scoring-worker-r0', 'Running') };
    return undefined;
  };
}

const scopes: string[] = [];
const credential: TokenCredential = {
  getToken: (scope): Promise<AccessToken> => {
    scopes.push(...[scope].flat());
    return Promise.resolve({ token: 'stand-in-token', expiresOnTimestamp: Date.now() + 3_600_000 });
  },
};

let arm: ArmStandIn | undefined;
afterEach(async () => {
  await arm?.close();
  arm = undefined;
});

function dispatcherFor(standIn: ArmStandIn, options: { image?: string; maxExecutions: number }) {
  const storage = new StorageClients(process.env.TEST_STORAGE_CONNECTION ?? '');
  const workQueue = uniqueName('work');
  const dispatcher = new ContainerAppsDispatcher({
    storage,
    workQueue,
    workResultsQueue: 'work-results',
    job: { subscriptionId, resourceGroup: 'rg-scoring', jobName: 'scoring-worker', ...options },
    credential,
    // Trust the stand-in's self-signed certificate: the SDK sends bearer tokens over HTTPS only.
    clientOptions: { endpoint: standIn.endpoint, tlsOptions: { ca: standIn.certificate } },
    log: () => undefined,
  });
  return { dispatcher, queue: () => storage.queue(workQueue) };
}

const items: WorkItem[] = ['a', 'b', 'c'].map((unit) => ({
  itemId: `job1.${unit}.a1`,
  jobId: 'job1',
  unit,
  attempt: 1,
  instanceId: 'video-job1',
  kind: 'styleFrames',
  timeoutSeconds: 600,
  payload: { first: 1, last: 8 },
}));

describe('ContainerAppsDispatcher', () => {
  it('enqueues the items, lists executions, then starts the missing ones with the image', async () => {
    arm = await startArmStandIn(armRoutes(1));
    const image = 'scoringacr.azurecr.io/durable-scoring-worker:0.1.0';
    const { dispatcher, queue } = dispatcherFor(arm, { image, maxExecutions: 3 });
    await dispatcher.dispatch(items);

    const { peekedMessageItems } = await (await queue()).peekMessages({ numberOfMessages: 32 });
    const queued = peekedMessageItems.map((message) =>
      workItemSchema.parse(JSON.parse(Buffer.from(message.messageText, 'base64').toString('utf8'))),
    );
    expect(queued).toEqual(items);
    expect(arm.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      `GET ${jobPath}/executions`,
      `POST ${jobPath}/start`,
      `POST ${jobPath}/start`,
    ]);
    for (const request of arm.requests) {
      expect(request.query).toEqual({ 'api-version': apiVersion });
      expect(request.authorization).toBe('Bearer stand-in-token');
    }
    const start = arm.requests[1];
    expect(start?.contentType).toMatch(/^application\/json/);
    // The body is a JobExecutionTemplate: containers (and optionally initContainers) only.
    expect(JSON.parse(start?.body ?? '')).toEqual({
      containers: [
        {
          name: 'worker',
          image,
          env: [
            { name: 'AzureWebJobsStorage', secretRef: 'storage-connection' },
            { name: 'WORK_QUEUE', value: expect.stringMatching(/^work/) as unknown },
            { name: 'WORK_RESULTS_QUEUE', value: 'work-results' },
          ],
        },
      ],
    });
    expect(new Set(scopes)).toEqual(new Set(['https://management.azure.com/.default']));
  });

  it('starts no execution when the job already runs its maximum, and reports an execution', async () => {
    arm = await startArmStandIn(armRoutes(2));
    const { dispatcher } = dispatcherFor(arm, { maxExecutions: 2 });
    await dispatcher.dispatch(items);
    expect(arm.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      `GET ${jobPath}/executions`,
    ]);

    expect(await dispatcher.executionStatus('scoring-worker-r0')).toEqual({
      name: 'scoring-worker-r0',
      status: 'Running',
      startTime: '2026-01-02T03:04:05.000Z',
      endTime: undefined,
    });
    expect(arm.requests[1]).toMatchObject({
      method: 'GET',
      path: `${jobPath}/executions/scoring-worker-r0`,
      query: { 'api-version': apiVersion },
    });
  });

  it('starts an execution of the job its own template describes when no image is set', async () => {
    arm = await startArmStandIn(armRoutes(0));
    const { dispatcher } = dispatcherFor(arm, { maxExecutions: 4 });
    expect(await dispatcher.startExecution()).toBe('scoring-worker-s0');
    expect(arm.requests).toEqual([
      expect.objectContaining({ method: 'POST', path: `${jobPath}/start`, body: '' }) as unknown,
    ]);
  });

  it('tells the worker to stop a job through the cancel marker', async () => {
    arm = await startArmStandIn(armRoutes(0));
    const { dispatcher } = dispatcherFor(arm, { maxExecutions: 1 });
    await dispatcher.cancel('job-cancel-1');
    const storage = new StorageClients(process.env.TEST_STORAGE_CONNECTION ?? '');
    const marker = await storage
      .container('work-control')
      .getBlobClient('job-cancel-1/cancelled')
      .downloadToBuffer();
    expect(JSON.parse(marker.toString())).toMatchObject({ jobId: 'job-cancel-1' });
    expect(arm.requests).toEqual([]);
  });
});
