import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestHost } from '../support/TestHost';

// Stream definitions are read when the app is loaded: a stream that cannot run stops the start,
// naming the file and the field, rather than an app that silently scores nothing.
function streamsFolder(definition: unknown): string {
  const directory = path.join(mkdtempSync(path.join(os.tmpdir(), 'streams-')), 'streams');
  mkdirSync(directory);
  writeFileSync(path.join(directory, 'vitals.json'), JSON.stringify(definition));
  return directory;
}

const definition = {
  name: 'vitals',
  source: { hub: 'vitals' },
  schema: { patientId: 'string', bmi: 'number' },
  key: 'patientId',
  features: ['bmi'],
  model: 'diabetes',
  outputs: { folder: 'vitals' },
};

test.each([
  [
    'a hopping window without its hop',
    { ...definition, mode: 'window', window: { kind: 'hopping', size: '1m' }, features: ['bmi_mean'] },
    'Stream definition streams/vitals.json: window.hop is required for hopping windows',
  ],
  [
    'a bad definition',
    { ...definition, features: ['glucose'] },
    'Stream definition streams/vitals.json: features[0] "glucose" is not a field of the schema',
  ],
])('%s stops the host, naming the stream', async (_, streams, message) => {
  const { code, output } = await TestHost.startExpectingFailure('.', {
    settings: {
      STREAMS_DIRECTORY: streamsFolder(streams),
      EventHubConnection: 'Endpoint=sb://localhost/;SharedAccessKeyName=local;SharedAccessKey=local',
    },
  });
  expect(code).not.toBe(0);
  expect(output).toContain(message);
});
