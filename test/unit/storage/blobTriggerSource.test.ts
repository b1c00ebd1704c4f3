import { blobTriggerSourceFrom } from '../../../src/storage/blobTriggerSource';

describe('blobTriggerSourceFrom (BLOB_TRIGGER_SOURCE)', () => {
  it('defaults to the container scan, so local runs need no Event Grid', () => {
    expect(blobTriggerSourceFrom({})).toBe('LogsAndContainerScan');
    expect(blobTriggerSourceFrom({ BLOB_TRIGGER_SOURCE: '' })).toBe('LogsAndContainerScan');
  });

  it('takes either source in any case, as the runtime does', () => {
    expect(blobTriggerSourceFrom({ BLOB_TRIGGER_SOURCE: 'EventGrid' })).toBe('EventGrid');
    expect(blobTriggerSourceFrom({ BLOB_TRIGGER_SOURCE: ' eventgrid ' })).toBe('EventGrid');
    expect(blobTriggerSourceFrom({ BLOB_TRIGGER_SOURCE: 'logsandcontainerscan' })).toBe(
      'LogsAndContainerScan',
    );
  });

  it('refuses anything else, naming the setting and the choices', () => {
    expect(() => blobTriggerSourceFrom({ BLOB_TRIGGER_SOURCE: 'Polling' })).toThrow(
      'Invalid app setting BLOB_TRIGGER_SOURCE: "Polling" is not LogsAndContainerScan or EventGrid.',
    );
  });
});
