import {
  EventGridRequestError,
  blobLocation,
  parseEventGridRequest,
} from '../../../src/host/triggers/blob/parseEventGridRequest';

const body = (value: unknown) => Buffer.from(JSON.stringify(value));

// Shaped as Event Grid's docs show a storage event (Event Grid schema).
const blobCreated = {
  topic:
    '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stdata',
  subject: '/blobServices/default/containers/input/blobs/2024/diabetes.csv',
  eventType: 'Microsoft.Storage.BlobCreated',
  eventTime: '2024-05-01T10:00:00.0000000Z',
  id: '831e1650-001e-001b-66ab-eeb76e069631',
  data: {
    api: 'PutBlob',
    clientRequestId: '6d79dbfb-0e37-4fc4-981f-442c9ca65760',
    requestId: '831e1650-001e-001b-66ab-eeb76e000000',
    eTag: '0x8D4BCC2E4835CD0',
    contentType: 'text/csv',
    contentLength: 524288,
    blobType: 'BlockBlob',
    url: 'https://stdata.blob.core.windows.net/input/2024/diabetes.csv',
    sequencer: '00000000000004420000000000028963',
    storageDiagnostics: { batchId: 'b68529f3-68cd-4744-baa4-3c0498ec19f0' },
  },
  dataVersion: '',
  metadataVersion: '1',
};

describe('parseEventGridRequest', () => {
  it('answers the validation handshake with the validation code', () => {
    const handshake = [
      {
        id: '2d1781af-3a4c-4d7c-bd0c-e34b19da4e66',
        topic: blobCreated.topic,
        subject: '',
        data: { validationCode: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6', validationUrl: 'https://x' },
        eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
        eventTime: '2024-05-01T10:00:00Z',
        metadataVersion: '1',
        dataVersion: '1',
      },
    ];
    expect(parseEventGridRequest('SubscriptionValidation', body(handshake))).toEqual({
      kind: 'validation',
      validationCode: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6',
    });
  });

  it('reads a CloudEvents handshake, whose data may be a JSON string', () => {
    const cloudEvent = { specversion: '1.0', type: 'x', data: JSON.stringify({ validationCode: 'abc' }) };
    expect(parseEventGridRequest('subscriptionvalidation', body(cloudEvent))).toEqual({
      kind: 'validation',
      validationCode: 'abc',
    });
  });

  it('gives the blob of a BlobCreated event: account, container, decoded name, quoted ETag', () => {
    const event = { ...blobCreated, data: { ...blobCreated.data, url: `${blobCreated.data.url}%20v2` } };
    expect(parseEventGridRequest('Notification', body([event]))).toEqual({
      kind: 'notification',
      blobs: [
        { account: 'stdata', container: 'input', name: '2024/diabetes.csv v2', etag: '"0x8D4BCC2E4835CD0"' },
      ],
      ignored: [],
    });
  });

  it('reads one CloudEvent (type, not eventType) as a notification', () => {
    const cloudEvent = {
      specversion: '1.0',
      type: 'Microsoft.Storage.BlobCreated',
      source: blobCreated.topic,
      id: blobCreated.id,
      subject: blobCreated.subject,
      data: blobCreated.data,
    };
    const parsed = parseEventGridRequest('Notification', body(cloudEvent));
    expect(parsed).toMatchObject({ kind: 'notification', blobs: [{ name: '2024/diabetes.csv' }] });
  });

  it('lists events of other types as ignored', () => {
    const deleted = { ...blobCreated, id: 'gone-1', eventType: 'Microsoft.Storage.BlobDeleted' };
    expect(parseEventGridRequest('Notification', body([deleted, blobCreated]))).toMatchObject({
      blobs: [{ name: '2024/diabetes.csv' }],
      ignored: ['event gone-1 (Microsoft.Storage.BlobDeleted)'],
    });
  });

  it('takes an unsubscribe notice', () => {
    expect(parseEventGridRequest('Unsubscribe', Buffer.alloc(0))).toEqual({ kind: 'unsubscribe' });
  });

  it.each([
    [undefined, body([blobCreated]), 'The aeg-event-type header is missing'],
    ['Bogus', body([blobCreated]), 'The aeg-event-type header is "Bogus"'],
    ['Notification', Buffer.from('[{'), 'The body is not JSON'],
    ['Notification', body([42]), 'Event 0 is not an Event Grid event'],
    ['SubscriptionValidation', body([{ data: {} }]), 'The validation event has no data.validationCode'],
    [
      'Notification',
      body([{ ...blobCreated, data: { ...blobCreated.data, eTag: undefined } }]),
      'Event 0 (Microsoft.Storage.BlobCreated) has no valid data.eTag',
    ],
    [
      'Notification',
      body([{ ...blobCreated, data: { ...blobCreated.data, url: 'not a url' } }]),
      'has no valid data.url',
    ],
    [
      'Notification',
      body([
        { ...blobCreated, data: { ...blobCreated.data, url: 'https://stdata.blob.core.windows.net/input' } },
      ]),
      'names no blob',
    ],
  ])('refuses %s %s: %s', (header, payload, message) => {
    const parse = () => parseEventGridRequest(header, payload);
    expect(parse).toThrow(EventGridRequestError);
    expect(parse).toThrow(message);
  });
});

describe('blobLocation', () => {
  it('reads path-style URLs (Azurite, an IP address or localhost) with the account first', () => {
    expect(blobLocation(new URL('http://127.0.0.1:10000/devstoreaccount1/input/a/b.csv'))).toEqual({
      account: 'devstoreaccount1',
      container: 'input',
      name: 'a/b.csv',
    });
    expect(blobLocation(new URL('http://localhost:41234/devstoreaccount1/videos/clip.mp4'))).toMatchObject({
      account: 'devstoreaccount1',
      container: 'videos',
    });
  });

  it('reads the account from the host name otherwise', () => {
    expect(blobLocation(new URL('https://stdata.blob.core.windows.net/input/x.csv'))).toEqual({
      account: 'stdata',
      container: 'input',
      name: 'x.csv',
    });
  });

  it('gives nothing for a container URL or a malformed escape', () => {
    expect(blobLocation(new URL('https://stdata.blob.core.windows.net/input/'))).toBeUndefined();
    expect(blobLocation(new URL('https://stdata.blob.core.windows.net/input/%E0%A4%A'))).toBeUndefined();
  });
});
