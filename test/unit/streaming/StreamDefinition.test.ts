import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ValidationError } from '../../../src/errors';
import { parseStreamDefinition } from '../../../src/streaming/StreamDefinition';
import { loadStreamDefinitions } from '../../../src/streaming/loadStreamDefinitions';

const valid = {
  name: 'clinic',
  source: { hub: 'vitals' },
  schema: { patientId: 'string', age: 'number', bmi: 'number', at: 'timestamp' },
  key: 'patientId',
  features: ['age', 'bmi'],
  model: 'diabetes@production',
  outputs: { folder: 'streams/clinic' },
};

test('a definition gets its defaults', () => {
  expect(parseStreamDefinition(valid, 'streams/clinic.json')).toEqual({
    ...valid,
    source: { hub: 'vitals', consumerGroup: '$Default', connection: 'EventHubConnection' },
    mode: 'perEvent',
    outputs: { folder: 'streams/clinic', format: 'jsonl' },
  });
});

test('a window definition is parsed: sizes in milliseconds, event time from a timestamp field', () => {
  const parsed = parseStreamDefinition(
    {
      ...valid,
      mode: 'window',
      window: { size: '5m', allowedLateness: '30s', eventTime: 'at' },
      features: ['count', 'age_mean', 'bmi_std', 'bmi_last'],
    },
    'w.json',
  );
  expect(parsed.window).toEqual({
    kind: 'tumbling',
    size: 300_000,
    allowedLateness: 30_000,
    eventTime: 'at',
    late: 'drop',
    watermark: 'latest',
  });
});

test('a hopping window takes its hop and idle timeout; aggregates of a field with "_" in its name', () => {
  const parsed = parseStreamDefinition(
    {
      ...valid,
      schema: { ...valid.schema, inlet_temp: 'integer' },
      mode: 'window',
      window: { kind: 'hopping', size: '1m', hop: '15s', idleTimeout: '5s', late: 'reopen' },
      features: ['inlet_temp_max', 'age_min'],
    },
    'w.json',
  );
  expect(parsed.window).toEqual({
    kind: 'hopping',
    size: 60_000,
    hop: 15_000,
    allowedLateness: 0,
    idleTimeout: 5_000,
    late: 'reopen',
    watermark: 'latest',
  });
});

// Each bad definition is refused with the file and the field named, and what is expected.
test.each<[string, Record<string, unknown>, string, RegExp]>([
  ['no name', { name: undefined }, 'name', /expected string/],
  ['a name with a space', { name: 'my stream' }, 'name', /letter then letters, digits or "-"/],
  ['no hub', { source: { consumerGroup: 'g' } }, 'source.hub', /expected string/],
  ['an empty schema', { schema: {} }, 'schema', /at least one field/],
  ['a field of an unknown type', { schema: { patientId: 'text' } }, 'schema.patientId', /number/],
  ['a key not in the schema', { key: 'deviceId' }, 'key', /"deviceId" is not a field of the schema/],
  [
    'a feature not in the schema',
    { features: ['age', 'glucose'] },
    'features[1]',
    /"glucose" is not a field/,
  ],
  ['a text feature', { features: ['patientId'] }, 'features[0]', /string field; features must be number/],
  ['a feature twice', { features: ['age', 'age'] }, 'features', /lists a field twice/],
  ['a bad model reference', { model: 'diabetes@prod' }, 'model', /after "@" give a version/],
  ['an unknown mode', { mode: 'hopping' }, 'mode', /perEvent|window/],
  ['a window without its size', { mode: 'window' }, 'window', /is required when mode is "window"/],
  ['a window on a perEvent stream', { window: { size: '1m' } }, 'window', /applies only to mode "window"/],
  [
    'a bad window size',
    { mode: 'window', window: { size: '5 minutes' }, features: ['count'] },
    'window.size',
    /unit: ms, s, m or h/,
  ],
  [
    'event time from a number field',
    { mode: 'window', window: { size: '1m', eventTime: 'age' }, features: ['count'] },
    'window.eventTime',
    /must be a timestamp field/,
  ],
  [
    'a window feature that is no aggregate',
    { mode: 'window', window: { size: '1m' }, features: ['age_mean', 'age_median'] },
    'features[1]',
    /"age_median" is not a window feature: use "count" or "<field>_<aggregate>"/,
  ],
  [
    'a plain field as a window feature',
    { mode: 'window', window: { size: '1m' }, features: ['age'] },
    'features[0]',
    /"age" is not a window feature/,
  ],
  [
    'an aggregate of a field not in the schema',
    { mode: 'window', window: { size: '1m' }, features: ['temp_mean'] },
    'features[0]',
    /"temp" is not a field of the schema/,
  ],
  [
    'an aggregate of a text field',
    { mode: 'window', window: { size: '1m' }, features: ['patientId_last'] },
    'features[0]',
    /"patientId" is a string field/,
  ],
  [
    'an unknown window kind',
    { mode: 'window', window: { kind: 'sliding', size: '1m' }, features: ['count'] },
    'window.kind',
    /"tumbling" or "hopping"/,
  ],
  [
    'a hopping window without its hop',
    { mode: 'window', window: { kind: 'hopping', size: '1m' }, features: ['count'] },
    'window.hop',
    /is required for hopping windows/,
  ],
  [
    'a hop on a tumbling window',
    { mode: 'window', window: { size: '1m', hop: '10s' }, features: ['count'] },
    'window.hop',
    /applies only to hopping windows/,
  ],
  [
    'a hop longer than the window',
    { mode: 'window', window: { kind: 'hopping', size: '1m', hop: '2m' }, features: ['count'] },
    'window.hop',
    /must not be longer than window.size/,
  ],
  [
    'a hop that puts events in too many windows',
    { mode: 'window', window: { kind: 'hopping', size: '1h', hop: '1s' }, features: ['count'] },
    'window.hop',
    /more than 100 windows/,
  ],
  [
    'an unknown late policy',
    { mode: 'window', window: { size: '1m', late: 'retry' }, features: ['count'] },
    'window.late',
    /must be "drop" or "reopen"/,
  ],
  ['no output folder', { outputs: { format: 'csv' } }, 'outputs.folder', /expected string/],
  ['an unknown format', { outputs: { folder: 'x', format: 'parquet' } }, 'outputs.format', /jsonl|csv/],
  ['an alert without a threshold', { outputs: { folder: 'x', alert: {} } }, 'outputs.alert.above', /number/],
  ['an unknown field', { sink: 'x' }, '(definition)', /unknown field\(s\) sink/],
])('%s is refused, naming the field', (_, change, field, message) => {
  const definition = { ...valid, ...change };
  let thrown: unknown;
  try {
    parseStreamDefinition(definition, 'streams/clinic.json');
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ValidationError);
  expect((thrown as ValidationError).details.field).toBe(field);
  expect((thrown as Error).message).toMatch(
    new RegExp(`^Stream definition streams/clinic\\.json: ${escape(field)} `),
  );
  expect((thrown as Error).message).toMatch(message);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('loadStreamDefinitions', () => {
  function folder(files: Record<string, string>): string {
    const directory = path.join(mkdtempSync(path.join(os.tmpdir(), 'streams-')), 'streams');
    mkdirSync(directory);
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(directory, name), text);
    return directory;
  }

  test('reads every .json file in name order; a missing folder has no streams', () => {
    const directory = folder({
      'b.json': JSON.stringify({ ...valid, name: 'b' }),
      'a.json': JSON.stringify({ ...valid, name: 'a' }),
      'README.md': 'not a definition',
    });
    expect(loadStreamDefinitions(directory).map((stream) => stream.name)).toEqual(['a', 'b']);
    expect(loadStreamDefinitions(path.join(directory, 'absent'))).toEqual([]);
  });

  test('a file that is not JSON is named', () => {
    const directory = folder({ 'broken.json': '{ "name": ' });
    expect(() => loadStreamDefinitions(directory)).toThrow(
      /^Stream definition streams\/broken\.json is not JSON/,
    );
  });

  test('two files with one stream name are refused, naming both', () => {
    const directory = folder({
      'one.json': JSON.stringify(valid),
      'two.json': JSON.stringify({ ...valid, name: 'Clinic' }),
    });
    expect(() => loadStreamDefinitions(directory)).toThrow(
      'Stream definition streams/two.json: name "Clinic" is already the name of streams/one.json',
    );
  });
});
