import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ScoringHarness } from '../support/scoringHarness';
import { uniqueName } from '../support/testStorage';

// `durable-scoring models ...` against a harness host with a registry of its own, as a user runs it.

const work = mkdtempSync(path.join(os.tmpdir(), 'models-cli-'));
const modelDir = path.join(work, 'diabetes');
cpSync('models/diabetes', modelDir, { recursive: true });
const badFile = path.join(work, 'broken.onnx');
writeFileSync(badFile, 'not an onnx model');

const harness = new ScoringHarness({
  MODEL_REGISTRY_TABLE: uniqueName('models'),
  MODEL_REGISTRY_CONTAINER: uniqueName('models'),
});

beforeAll(async () => {
  await harness.start();
});

afterAll(async () => {
  await harness.host?.stop();
});

const run = (args: string[]) => harness.runCli(['models', ...args]);

describe('durable-scoring models', () => {
  it('register <dir> registers model.onnx with its model.json as version 1', async () => {
    const result = await run(['register', modelDir]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(
      /^Registered diabetes@1 \(stage None, \d+ bytes, sha256 [0-9a-f]{64}\)\.\n$/,
    );
  });

  it('register <file> --name under another name; a file onnxruntime refuses fails with its reason', async () => {
    const other = await run(['register', path.join(modelDir, 'model.onnx'), '--name', 'progression']);
    expect(other.stdout).toMatch(/^Registered progression@1 /);
    const bad = await run(['register', badFile]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^Model "broken" cannot be loaded by onnxruntime: .+/);
  });

  it('promote, then list and show reflect it', async () => {
    await run(['register', modelDir]);
    const promoted = await run(['promote', 'diabetes', '1', '--reason', 'first release']);
    expect(promoted).toMatchObject({ code: 0 });
    expect(promoted.stdout).toMatch(/^diabetes@1: None → Production \(promote #1 by .+\)\.\n$/);
    const second = await run(['promote', 'diabetes', '2', '--reason', 'retrained']);
    expect(second.stdout).toMatch(
      /^diabetes@2: None → Production; diabetes@1 Production → Archived \(promote #2 by /,
    );
    const list = await run(['list']);
    expect(list.stdout.split('\n')).toEqual([
      'NAME         LATEST  PRODUCTION  STAGING',
      'diabetes     2       2           ',
      'progression  1                   ',
      '',
    ]);
    const show = await run(['show', 'diabetes']);
    expect(show.stdout).toMatch(/^Model: {6}diabetes\nLatest: {5}2\nProduction: 2\n/);
    expect(show.stdout).toMatch(/\n1 {8}Archived {3}/);
    expect(show.stdout).toMatch(/first release/);
    const version = await run(['show', 'diabetes@production']);
    expect(version.stdout).toMatch(/^Model: {5}diabetes@2\nStage: {5}Production\n/);
    expect(version.stdout).toMatch(
      /\nInput: {5}input float32 \[N, 10\]\nOutput: {4}variable float64 \[N, 1\]\n$/,
    );
  });

  it('rollback restores the previous production version; errors come back with the API message', async () => {
    const rolled = await run(['rollback', 'diabetes', '--reason', 'v2 drifts']);
    expect(rolled.stdout).toMatch(
      /^diabetes@1: Archived → Production; diabetes@2 Production → Archived \(rollback #3 by /,
    );
    const again = await run(['promote', 'diabetes', '1', '--reason', 'again']);
    expect(again).toMatchObject({
      code: 1,
      stderr: 'diabetes@1 is already in stage Production; nothing was changed.\n',
    });
    const missing = await run(['show', 'nope']);
    expect(missing).toMatchObject({ code: 1, stderr: 'Model "nope" is not registered.\n' });
    const json = JSON.parse((await run(['show', 'diabetes', '--json'])).stdout) as { production: number };
    expect(json.production).toBe(1);
  });
});
