/**
 * Blob triggers with `source: 'EventGrid'` (BLOB_TRIGGER_SOURCE=EventGrid, as infra/ sets it on Azure):
 * Event Grid's deliveries, shaped as its docs show them, posted to the blobs extension's webhook of the
 * real host start the scoring job; without the key they are refused.
 */
import { hostSecrets, uniqueName } from '../support/testStorage';
import { ScoringHarness, diabetesReference, parseSimpleCsv } from '../support/scoringHarness';

const { csv: diabetesCsv } = diabetesReference();
const webhook = 'runtime/webhooks/blobs';
const functionId = 'Host.Functions.scoreDroppedBlob';

/** A Microsoft.Storage.BlobCreated event (Event Grid schema) for a blob the harness uploaded. */
function blobCreated(url: string, etag: string, container: string, name: string) {
  return {
    topic:
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/devstoreaccount1',
    subject: `/blobServices/default/containers/${container}/blobs/${name}`,
    eventType: 'Microsoft.Storage.BlobCreated',
    eventTime: new Date().toISOString(),
    id: uniqueName('event'),
    data: {
      api: 'PutBlob',
      eTag: etag.replace(/"/g, ''),
      contentType: 'text/csv',
      contentLength: diabetesCsv.length,
      blobType: 'BlockBlob',
      url,
      sequencer: '00000000000000000000000000000001',
    },
    dataVersion: '',
    metadataVersion: '1',
  };
}

function post(
  baseUrl: string,
  body: unknown,
  options: { key?: string; eventType?: string; functionName?: string } = {},
): Promise<Response> {
  const query = new URLSearchParams({ functionName: options.functionName ?? functionId });
  if (options.key !== undefined) query.set('code', options.key);
  return fetch(`${baseUrl}/${webhook}?${query.toString()}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'aeg-event-type': options.eventType ?? 'Notification' },
    body: JSON.stringify(body),
  });
}

describe('blob trigger with source EventGrid, container scan off: the webhook alone starts jobs', () => {
  const harness = new ScoringHarness({
    BLOB_TRIGGER_SOURCE: 'EventGrid',
    DurableScoring__EventGridBlobScan: 'false',
  });
  let blobsKey = '';

  beforeAll(async () => {
    await harness.start();
    const secrets = await hostSecrets(harness.host.hostId);
    blobsKey = secrets.systemKeys.find((key) => key.name === 'blobs_extension')?.value ?? '';
  });

  afterAll(async () => {
    await harness.host?.stop();
  });

  async function dropped(name: string) {
    const jobId = await harness.drop(name, diabetesCsv);
    const blob = harness.storage.container(harness.input).getBlobClient(name);
    const { etag = '' } = await blob.getProperties();
    return { jobId, event: blobCreated(blob.url, etag, harness.input, name) };
  }

  it('lists the trigger with its webhook and says the container is not scanned', () => {
    expect(harness.host.output()).toContain(
      `scoreDroppedBlob: blob: ${harness.input}/{name} (connection AzureWebJobsStorage; source EventGrid: events at POST ${harness.host.baseUrl}/${webhook}?functionName=${functionId}; container scan off)`,
    );
  });

  it('answers the subscription validation handshake with the code', async () => {
    const handshake = [
      {
        id: uniqueName('validation'),
        topic: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a',
        subject: '',
        data: { validationCode: 'C0DE-512d38b6', validationUrl: 'https://example.invalid/validate' },
        eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
        eventTime: new Date().toISOString(),
        metadataVersion: '1',
        dataVersion: '1',
      },
    ];
    const response = await post(harness.host.baseUrl, handshake, {
      key: blobsKey,
      eventType: 'SubscriptionValidation',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ validationResponse: 'C0DE-512d38b6' });
  });

  it('refuses events without the blobs_extension key (401), or for a function it does not know (404)', async () => {
    const { event } = await dropped('refused.csv');
    expect((await post(harness.host.baseUrl, [event])).status).toBe(401);
    expect((await post(harness.host.baseUrl, [event], { key: `${blobsKey}x` })).status).toBe(401);
    const unknown = await post(harness.host.baseUrl, [event], {
      key: blobsKey,
      functionName: 'Host.Functions.nothing',
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain(
      `names no blob trigger with source EventGrid here (known: ${functionId}`,
    );
  });

  it('starts the job for a BlobCreated event and writes the predictions; nothing starts before it', async () => {
    const { jobId, event } = await dropped('diabetes.csv');
    // The scan is off: nothing but the event may start this job.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await harness.jobs.get(jobId)).toBeUndefined();

    const response = await post(harness.host.baseUrl, [event], { key: blobsKey });
    expect(response.status).toBe(202);
    const job = await harness.waitForJob(jobId);
    expect(job).toMatchObject({ status: 'Succeeded', scoredRows: 442, badRows: 0 });
    const output = parseSimpleCsv((await harness.readOutput(job.output!)).toString());
    expect(output.rows).toHaveLength(442);
  });

  it('ignores, with a log line, an event for a blob in another container', async () => {
    const other = uniqueName('other');
    const container = await harness.storage.ensureContainer(other);
    const uploaded = await container.getBlockBlobClient('stray.csv').uploadData(Buffer.from(diabetesCsv));
    const event = blobCreated(`${container.url}/stray.csv`, uploaded.etag ?? '', other, 'stray.csv');
    expect((await post(harness.host.baseUrl, [event], { key: blobsKey })).status).toBe(202);
    await harness.host.waitForLog(
      new RegExp(
        `ignored an Event Grid event: blob '${other}/stray\\.csv' is not in the container '${harness.input}'`,
      ),
    );
  });
});

describe('blob trigger with source EventGrid on the embedded host by default', () => {
  const harness = new ScoringHarness({ BLOB_TRIGGER_SOURCE: 'EventGrid' });

  beforeAll(async () => {
    await harness.start();
  });

  afterAll(async () => {
    await harness.host?.stop();
  });

  it('scans the container too, since no Event Grid reaches it: a drop starts its job', async () => {
    expect(harness.host.output()).toContain('no Event Grid reaches this host, so it scans the container too');
    const jobId = await harness.drop('scanned.csv', diabetesCsv);
    expect(await harness.waitForJob(jobId)).toMatchObject({ status: 'Succeeded', scoredRows: 442 });
  });
});
