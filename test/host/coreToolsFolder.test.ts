/**
 * The project folder against what Core Tools and the Functions runtime need to run it on Azure:
 * host.json and its extension bundle, FUNCTIONS_WORKER_RUNTIME, package.json `main`, an extension for
 * every binding type the app registers (read from the app as the host loads it), and a .funcignore
 * that publishes what the runtime loads and nothing of the development tree.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { findFreePort } from '../../src/host/azurite/startAzurite';
import { bundleRangeAllowsMajor, parseBundleRange } from '../../src/host/app/ExtensionBundle';
import { expandEntryPattern } from '../../src/host/app/loadAppFolder';
import { extensionForBindingType, isRuntimeBindingType } from '../../src/host/extensions/bindingExtensions';
import { TestHost } from '../support/TestHost';
import { uniqueHubName } from '../support/durableTestClient';
import { hostSecrets, uniqueName } from '../support/testStorage';
import { emulatorConnectionString } from '../support/eventHubsEmulator';

const repoRoot = path.resolve(__dirname, '..', '..');
const readJson = (file: string) => JSON.parse(readFileSync(path.join(repoRoot, file), 'utf8')) as unknown;

// The extensions of extension bundle 4.x that provide this app's binding types.
const bundle4Extensions = [
  'Azure Storage Blobs',
  'Azure Storage Queues',
  'Azure Tables',
  'Event Hubs',
  'Durable Functions',
];

describe('host.json, local.settings.json and package.json', () => {
  it('host.json says version 2.0 and asks for a 4.x extension bundle', () => {
    const hostJson = readJson('host.json') as {
      version: string;
      extensionBundle?: { id: string; version: string };
    };
    expect(hostJson.version).toBe('2.0');
    expect(hostJson.extensionBundle?.id).toBe('Microsoft.Azure.Functions.ExtensionBundle');
    const range = parseBundleRange(hostJson.extensionBundle?.version ?? '');
    expect(range && bundleRangeAllowsMajor(range, 4)).toBe(true);
    expect(range && bundleRangeAllowsMajor(range, 3)).toBe(false);
  });

  it('local.settings.json sets FUNCTIONS_WORKER_RUNTIME=node and holds no secret', () => {
    const { IsEncrypted, Values } = readJson('local.settings.json') as {
      IsEncrypted: boolean;
      Values: Record<string, string>;
    };
    expect(IsEncrypted).toBe(false);
    expect(Values.FUNCTIONS_WORKER_RUNTIME).toBe('node');
    expect(Values.AzureWebJobsStorage).toBe('UseDevelopmentStorage=true');
    for (const [name, value] of Object.entries(Values))
      expect(`${name}=${value}`).not.toMatch(
        /AccountKey=|SharedAccessKey=|SharedAccessSignature|sig=|password/i,
      );
  });

  it('package.json main loads every function file, and nothing else', () => {
    const { main } = readJson('package.json') as { main: string };
    const functionFiles = readdirSync(path.join(repoRoot, 'functions'))
      .filter((file) => file.endsWith('.ts'))
      .map((file) => `dist/functions/${file.replace(/\.ts$/, '.js')}`)
      .sort();
    const entries = expandEntryPattern(repoRoot, main).map((file) => path.relative(repoRoot, file));
    expect(functionFiles.length).toBeGreaterThan(0);
    expect(entries).toEqual(functionFiles);
  });
});

describe('.funcignore: what a publish uploads', () => {
  const patterns = readFileSync(path.join(repoRoot, '.funcignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const ignored = (file: string) =>
    patterns.some((pattern) =>
      pattern.endsWith('/') ? `/${file}`.startsWith(pattern) : `/${file}` === pattern,
    );
  const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((file) => file !== '' && existsSync(path.join(repoRoot, file)));
  const built = readdirSync(path.join(repoRoot, 'dist'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(repoRoot, path.join(entry.parentPath, entry.name)));
  const published = new Set([...tracked, ...built].filter((file) => !ignored(file)));

  it('uses anchored paths only, which Core Tools and gitignore readers read alike', () => {
    for (const pattern of patterns) expect(pattern).toMatch(/^\/[\w.-]+(\/[\w.-]+)*\/?$/);
  });

  it('uploads the app: host.json, package.json, the entry files, models and their training data', () => {
    const { main } = readJson('package.json') as { main: string };
    const entries = expandEntryPattern(repoRoot, main).map((file) => path.relative(repoRoot, file));
    const needed = ['host.json', 'package.json', 'package-lock.json', '.npmrc', 'data/diabetes.csv'];
    for (const file of [...needed, ...entries]) expect(published).toContain(file);
    for (const file of tracked.filter((name) => name.startsWith('models/')))
      expect(published).toContain(file);
  });

  it('uploads nothing of the development tree', () => {
    const runtimeRoots =
      /^(host\.json|package(-lock)?\.json|\.npmrc|dist\/|models\/|data\/|src\/|functions\/|dashboard\/|tsconfig(\.build)?\.json)/;
    const others = [...published].filter((file) => !runtimeRoots.test(file));
    expect(others).toEqual([]);
    const development = /^(test|bench|demo|docs|scripts|bin|dist\/src\/(host|cli))\/|^local\.settings\.json$/;
    expect([...published].filter((file) => development.test(file))).toEqual([]);
  });

  it('every relative require of an uploaded script resolves to an uploaded file', () => {
    const unresolved: string[] = [];
    for (const file of [...published].filter((name) => name.startsWith('dist/') && name.endsWith('.js'))) {
      const source = readFileSync(path.join(repoRoot, file), 'utf8');
      for (const [, request = ''] of source.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
        const target = path.relative(repoRoot, path.resolve(repoRoot, path.dirname(file), request));
        const candidates = [target, `${target}.js`, `${target}/index.js`];
        if (!candidates.some((candidate) => published.has(candidate)))
          unresolved.push(`${file} -> ${request}`);
      }
    }
    expect(unresolved).toEqual([]);
  });
});

describe('the binding types the app registers', () => {
  let host: TestHost | undefined;
  afterAll(async () => {
    await host?.stop();
  });

  it('each comes from the Functions runtime or an extension of the 4.x bundle', async () => {
    const port = await findFreePort();
    host = await TestHost.start('.', {
      settings: {
        // The demo's stream definitions, so that the Event Hubs triggers register too.
        STREAMS_DIRECTORY: path.join(repoRoot, 'demo', 'iot', 'streams'),
        EventHubConnection: emulatorConnectionString(port),
        DurableScoring__EventHubs__Port: String(port),
        STREAMS_TABLE: uniqueName('streams'),
        SCORING_INPUT_CONTAINER: uniqueName('bindin'),
        AzureFunctionsJobHost__extensions__durableTask__hubName: uniqueHubName('Bindings'),
        'AzureWebJobs.retrainOnSchedule.Disabled': 'true',
      },
    });
    const key = (await hostSecrets(host.hostId)).masterKey.value;
    const response = await host.fetch('/admin/functions', { headers: { 'x-functions-key': key } });
    expect(response.status).toBe(200);
    const functions = (await response.json()) as {
      name: string;
      isDisabled?: boolean;
      bindings: { type: string }[];
    }[];
    expect(functions.filter((fn) => fn.isDisabled)).toEqual([]);

    const types = [...new Set(functions.flatMap((fn) => fn.bindings.map((binding) => binding.type)))].sort();
    expect(types).toEqual(
      expect.arrayContaining([
        'activityTrigger',
        'blobTrigger',
        'durableClient',
        'eventHubTrigger',
        'httpTrigger',
        'orchestrationTrigger',
        'timerTrigger',
      ]),
    );
    const unprovided = types.filter(
      (type) =>
        !isRuntimeBindingType(type) && !bundle4Extensions.includes(extensionForBindingType(type) ?? ''),
    );
    expect(unprovided).toEqual([]);
    expect(host.output()).toContain(
      'Extension bundle Microsoft.Azure.Functions.ExtensionBundle [4.*, 5.0.0) (host.json) is for Azure and Core Tools; this host downloads nothing',
    );
    expect(host.output()).not.toContain('no extensionBundle');
  });
});
