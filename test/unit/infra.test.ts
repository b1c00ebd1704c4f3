/**
 * What can be checked of infra/ without Azure: the Function App's settings against the settings the app
 * reads (taken from the code, not a copy), identity-based connections for every connection it uses, no
 * keys anywhere but the one Event Grid needs, a role assignment for every kind of client the app
 * builds, and an Event Grid subscription for every blob-triggered function.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { blobsSystemKeyName, blobWebhookPath } from '../../src/host/triggers/blob/blobWebhook';
import { blobTriggerSourceFrom } from '../../src/storage/blobTriggerSource';
import { loadStreamDefinitions } from '../../src/streaming/loadStreamDefinitions';
import { retrainScheduleBinding } from '../../src/training/retrain/retrainSchedule';

const root = path.resolve(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const mainBicep = read('infra/main.bicep');
const rolesBicep = read('infra/modules/roles.bicep');
const demoStreams = loadStreamDefinitions(path.join(root, 'demo', 'iot', 'streams'));

/** The `name: value` lines of a top-level `var <name> = { ... }` object of a Bicep file. */
function bicepObject(source: string, name: string): Map<string, string> {
  const start = source.indexOf(`\nvar ${name} = {\n`);
  expect(start).toBeGreaterThan(0);
  const body = source.slice(start).split('\n').slice(2);
  const entries = new Map<string, string>();
  for (const line of body.slice(0, body.indexOf('}'))) {
    const match = /^\s+'?([\w.]+)'?:\s*(.+)$/.exec(line);
    if (match) entries.set(match[1]!, match[2]!);
  }
  return entries;
}

/** Setting names a reader asks the environment for (it may fail on the empty environment: only names count). */
function settingsReadBy(reader: (env: NodeJS.ProcessEnv) => unknown): Set<string> {
  const names = new Set<string>();
  const env = new Proxy(
    {},
    {
      get: (_target, name) => {
        if (typeof name === 'string') names.add(name);
        return undefined;
      },
    },
  );
  try {
    reader(env);
  } catch {
    // Required settings are missing from the empty environment.
  }
  return names;
}

const connectionSettings = bicepObject(mainBicep, 'connectionSettings');
const appSettings = new Map([...connectionSettings, ...bicepObject(mainBicep, 'appSettings')]);
const appReads = new Set([
  ...settingsReadBy((env) => loadConfig(env, root)),
  ...settingsReadBy((env) => retrainScheduleBinding(env)),
  ...settingsReadBy((env) => blobTriggerSourceFrom(env)),
]);

// Connections: the bindings' (functions/*.ts), the streams', the host's own.
const bindingConnections = readdirSync(path.join(root, 'functions')).flatMap((file) =>
  [...read(`functions/${file}`).matchAll(/connection: '(\w+)'/g)].map((match) => match[1]!),
);
// Settings bindings name as %SETTING%: the host refuses to start without them (local.settings.json has
// them locally, and the published package has no local.settings.json).
const bindingExpressionSettings = new Set(
  readdirSync(path.join(root, 'functions')).flatMap((file) =>
    [...read(`functions/${file}`).matchAll(/%(\w+)%/g)].map((match) => match[1]!),
  ),
);
const connections = new Set([
  'AzureWebJobsStorage',
  ...bindingConnections,
  ...demoStreams.map((stream) => stream.source.connection),
]);
// The data account's connection: src/config.ts looks for it by prefix (DATA_STORAGE or any
// DATA_STORAGE__ setting), so the recorded reads do not name it.
const connectionsFoundByPrefix = ['DATA_STORAGE'];
// Read by the platform and the SDKs, not by app code: telemetry, and DefaultAzureCredential's identity.
const platformSettings = [
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
  'AZURE_CLIENT_ID',
];
const identitySuffixes = [
  'blobServiceUri',
  'queueServiceUri',
  'tableServiceUri',
  'accountName',
  'fullyQualifiedNamespace',
  'credential',
  'clientId',
];

describe('the Function App settings in infra/main.bicep', () => {
  it('are all read by the app, its connections or the platform: no misspelt name', () => {
    const known = (name: string) => {
      const [connection = '', suffix] = name.split('__');
      if (suffix !== undefined)
        return (
          identitySuffixes.includes(suffix) &&
          (connections.has(connection) || connectionsFoundByPrefix.includes(connection))
        );
      return appReads.has(name) || platformSettings.includes(name) || connectionsFoundByPrefix.includes(name);
    };
    expect([...appSettings.keys()].filter((name) => !known(name))).toEqual([]);
  });

  it('set every setting a binding names as %SETTING%', () => {
    expect(bindingExpressionSettings.size).toBeGreaterThan(2);
    expect([...bindingExpressionSettings].filter((name) => !appSettings.has(name))).toEqual([]);
  });

  it('give every connection the app uses as identity settings: managed identity, the client id', () => {
    expect([...connections].sort()).toEqual(['AzureWebJobsStorage', 'EventHubConnection']);
    for (const connection of [...connections, 'DATA_STORAGE']) {
      expect(appSettings.get(`${connection}__credential`)).toBe("'managedidentity'");
      expect(appSettings.get(`${connection}__clientId`)).toBe('identity.outputs.clientId');
      expect(appSettings.has(connection)).toBe(false);
    }
    expect(appSettings.has('EventHubConnection__fullyQualifiedNamespace')).toBe(true);
    for (const service of ['blob', 'queue', 'table'])
      for (const connection of ['AzureWebJobsStorage', 'DATA_STORAGE'])
        expect(appSettings.has(`${connection}__${service}ServiceUri`)).toBe(true);
  });

  it('with each identity connection standing for its connection, make a valid config; the rest defaults', () => {
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of appSettings) {
      const service = /__(blob|queue|table)ServiceUri$/.exec(name)?.[1];
      const stand = service ? `https://account.${service}.core.windows.net` : 'x';
      env[name] = /^'.*'$/.test(value) ? value.slice(1, -1) : stand;
    }
    const config = loadConfig(env, root);
    expect(config).toMatchObject({
      inputContainer: 'input',
      outputContainer: 'output',
      defaultModel: 'diabetes',
      dataStorage: { kind: 'identity', credential: { kind: 'managedIdentity' } },
    });
  });

  it('leave out what Flex Consumption refuses, and hold no key', () => {
    const refused = [
      'FUNCTIONS_WORKER_RUNTIME',
      'FUNCTIONS_EXTENSION_VERSION',
      'WEBSITE_RUN_FROM_PACKAGE',
      'WEBSITE_CONTENTSHARE',
      'WEBSITE_NODE_DEFAULT_VERSION',
    ];
    expect([...appSettings.keys()].filter((name) => refused.includes(name))).toEqual([]);
    const infra = readdirSync(path.join(root, 'infra'), { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.(bicep|json)$/.test(file))
      .map((file) => read(path.join('infra', file)))
      .join('\n');
    // The one key: Event Grid can call the blobs webhook only with the host's blobs_extension key.
    const webhookKey = `appHost.listKeys().systemKeys.${blobsSystemKeyName}`;
    expect(infra.split(webhookKey)).toHaveLength(2);
    expect(infra.replace(webhookKey, '')).not.toMatch(
      /listKeys|listConnectionStrings|AccountKey=|SharedAccessKey|@secure\(\)/,
    );
    expect(read('infra/modules/storage.bicep')).toContain('allowSharedKeyAccess: false');
    expect(read('infra/modules/eventHubs.bicep')).toContain('disableLocalAuth: true');
    expect(read('infra/modules/monitoring.bicep')).toContain('DisableLocalAuth: true');
  });

  it('create a hub for every demo stream', () => {
    const hubs = /param eventHubNames string\[\] = \[([^\]]*)\]/.exec(mainBicep)?.[1] ?? '';
    for (const stream of demoStreams) expect(hubs).toContain(`'${stream.source.hub}'`);
  });
});

// Built-in role ids (learn.microsoft.com, "Azure built-in roles").
const builtInRoles: Record<string, string> = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  eventHubsDataReceiver: 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde',
  eventHubsDataSender: '2b629674-e913-4c01-ae53-ef4638d8f975',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  containerAppsJobsOperator: 'b9a307c4-5aa3-4b52-ba60-2b17c136cd7b',
};

// What each SDK client needs, on which resource (roles.bicep's names). Packages that reach no
// service of their own need none.
const rolesForClient: Record<string, string[]> = {
  '@azure/storage-blob': ['runtimeStorage storageBlobDataOwner', 'dataStorage storageBlobDataContributor'],
  '@azure/storage-queue': [
    'runtimeStorage storageQueueDataContributor',
    'dataStorage storageQueueDataContributor',
  ],
  '@azure/data-tables': [
    'runtimeStorage storageTableDataContributor',
    'dataStorage storageTableDataContributor',
  ],
  '@azure/event-hubs': ['eventHubs eventHubsDataReceiver', 'eventHubs eventHubsDataSender'],
  '@azure/arm-appcontainers': ['workerJob containerAppsJobsOperator'],
};
const noServiceOfTheirOwn = [
  '@azure/functions',
  '@azure/functions-extensions-base',
  '@azure/identity',
  '@azure/abort-controller',
  '@azure/logger',
];

/** The @azure packages the app's own code (src/ but the host and CLI, functions/) imports. */
function azurePackagesOfTheApp(): Set<string> {
  const files = ['functions', 'src'].flatMap((folder) =>
    readdirSync(path.join(root, folder), { recursive: true, encoding: 'utf8' })
      .map((file) => `${folder}/${file}`)
      .filter((file) => file.endsWith('.ts') && !/^src\/(host|cli)\//.test(file)),
  );
  const packages = new Set<string>();
  for (const file of files)
    for (const [, name = ''] of read(file).matchAll(/from '(@azure\/[\w.-]+)/g))
      if (!name.startsWith('@azure/core-')) packages.add(name);
  return packages;
}

/** `<scope> <role>` for each role roles.bicep gives the app's identity (`principalId: principalId`). */
function assignedRoles(): Set<string> {
  const assigned = new Set<string>();
  for (const block of rolesBicep.split('\nresource ')) {
    const loop = /for role in (.*): \{/.exec(block)?.[1] ?? '';
    const scope = /\n\s+scope: (\w+)/.exec(block)?.[1];
    if (!scope || !/principalId: principalId\n/.test(block)) continue;
    for (const [, role] of loop.matchAll(/roles\.(\w+)/g)) assigned.add(`${scope} ${role}`);
  }
  return assigned;
}

describe('the role assignments in infra/modules/roles.bicep', () => {
  const assigned = assignedRoles();

  it('use the built-in role ids', () => {
    expect(Object.fromEntries(bicepObject(rolesBicep, 'roles'))).toEqual(
      Object.fromEntries(Object.entries(builtInRoles).map(([name, id]) => [name, `'${id}'`])),
    );
  });

  it('let the host keep its state in the runtime account: leases, task hub queues and tables', () => {
    for (const role of ['storageBlobDataOwner', 'storageQueueDataContributor', 'storageTableDataContributor'])
      expect(assigned).toContain(`runtimeStorage ${role}`);
  });

  it('cover every kind of client the app builds', () => {
    const packages = azurePackagesOfTheApp();
    expect(packages).toContain('@azure/storage-blob');
    const unknown = [...packages].filter(
      (name) => !rolesForClient[name] && !noServiceOfTheirOwn.includes(name),
    );
    expect(unknown).toEqual([]);
    const missing = [...packages]
      .flatMap((name) => rolesForClient[name] ?? [])
      .filter((role) => !assigned.has(role));
    expect(missing).toEqual([]);
  });

  it('cover the telemetry, Key Vault references and the worker job the template sets up', () => {
    for (const role of [
      'applicationInsights monitoringMetricsPublisher',
      'keyVault keyVaultSecretsUser',
      'workerJob containerAppsJobsOperator',
      'eventHubs eventHubsDataReceiver',
    ])
      expect(assigned).toContain(role);
  });
});

/** Each `app.storageBlob` registration of functions/*.ts: its name, `source` and path's container setting. */
function blobTriggerRegistrations(): { name: string; source: string; containerSetting: string }[] {
  return readdirSync(path.join(root, 'functions')).flatMap((file) =>
    [...read(`functions/${file}`).matchAll(/app\.storageBlob\('(\w+)', \{([^]*?)\n\}\);/g)].map((match) => {
      const options = match[2] ?? '';
      return {
        name: match[1]!,
        source: /\n\s+source: ([^,]+),/.exec(options)?.[1] ?? '(none)',
        containerSetting: /\n\s+path: '%(\w+)%\//.exec(options)?.[1] ?? '(no %SETTING% container)',
      };
    }),
  );
}

describe('the Event Grid subscriptions for blob triggers (infra/modules/blobEvents.bicep)', () => {
  const blobEventsBicep = read('infra/modules/blobEvents.bicep');
  const registrations = blobTriggerRegistrations();
  const subscribed = [
    ...(/\nvar blobTriggers = \[\n([^\]]*)\n\]/.exec(mainBicep)?.[1] ?? '').matchAll(
      /\{ functionName: '(\w+)', container: appSettings\.(\w+) \}/g,
    ),
  ].map((match) => ({ name: match[1]!, containerSetting: match[2]! }));

  it('take the trigger source from the setting that the template sets to EventGrid', () => {
    expect(registrations.map((registration) => registration.name).sort()).toEqual([
      'joinDroppedFeedback',
      'retrainOnNewData',
      'scoreDroppedBlob',
      'styleDroppedVideo',
    ]);
    for (const registration of registrations) expect(registration.source).toBe('blobTriggerSource()');
    expect(appSettings.get('BLOB_TRIGGER_SOURCE')).toBe("'EventGrid'");
  });

  it('exist for every blob-triggered function, on the container its path names, created in the data account', () => {
    expect(subscribed).toEqual(
      registrations.map(({ name, containerSetting }) => ({ name, containerSetting })),
    );
    const dataContainers = /module dataStorage [^]*?containers: \[([^\]]*)\]/.exec(mainBicep)?.[1] ?? '';
    for (const { containerSetting } of registrations) {
      const container = appSettings.get(containerSetting);
      expect(container).toMatch(/^'[a-z0-9-]+'$/);
      expect(dataContainers).toContain(container);
    }
    expect(mainBicep).toMatch(/module blobEvents [^]*?storageAccountName: dataStorage\.outputs\.name\n/);
    expect(mainBicep).toContain('blobTriggers: subscribeBlobEvents ? blobTriggers : []');
  });

  it('send only BlobCreated events of that container to the webhook of that function, with its key', () => {
    expect(blobEventsBicep).toContain("topicType: 'Microsoft.Storage.StorageAccounts'");
    expect(blobEventsBicep).toContain('for trigger in blobTriggers');
    expect(blobEventsBicep).toContain("includedEventTypes: ['Microsoft.Storage.BlobCreated']");
    expect(blobEventsBicep).toContain(
      "subjectBeginsWith: '/blobServices/default/containers/${trigger.container}/'",
    );
    expect(blobEventsBicep).toContain(
      `endpointUrl: 'https://\${app.properties.defaultHostName}/${blobWebhookPath}?functionName=Host.Functions.\${trigger.functionName}&code=\${appHost.listKeys().systemKeys.${blobsSystemKeyName}}'`,
    );
  });
});
