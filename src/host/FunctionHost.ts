import type { RpcLogLevel } from './core/coreTypes';
import path from 'node:path';
import { applyHostJsonOverrides } from './app/applyHostJsonOverrides';
import { loadAppFolder } from './app/loadAppFolder';
import { azuritePortsFrom } from './azurite/azuritePortsFrom';
import { startAzurite } from './azurite/startAzurite';
import { FunctionInvoker } from './core/FunctionInvoker';
import { FunctionsCore } from './core/FunctionsCore';
import { installCoreModule } from './core/installCoreModule';
import { CrashPoints } from './CrashPoints';
import { HostConfigurationError, HostSystemError } from './errors';
import { builtinExtensions } from './extensions/builtinExtensions';
import { extensionBundleNote } from './extensions/extensionBundleNote';
import type {
  AppFunction,
  HostExtension,
  HostServices,
  TriggerFactory,
  TriggerListener,
} from './HostExtension';
import { HostHttpServer } from './http/HostHttpServer';
import { requestBodyLimit } from './http/requestBody';
import { HttpRouter } from './http/HttpRouter';
import { addAdminRoutes } from './http/adminRoutes';
import { InvocationPipeline } from './InvocationPipeline';
import { KeyStore } from './keys/KeyStore';
import { loadAppFunctions } from './loadApp';
import { HostLogger, type LogFormat, type LogSink } from './logging/HostLogger';
import { AppSettings } from './settings/AppSettings';
import {
  azuriteConnectionString,
  defaultAzuritePorts,
  isDevelopmentStorage,
  type AzuritePorts,
} from './storage/StorageConnection';
import { defaultConnectionName, StorageConnections } from './storage/StorageConnections';
import { resolveStorageConnection } from './storage/resolveStorageConnection';

export interface FunctionHostOptions {
  appDir: string;
  /** 0 picks a free port. */
  port?: number;
  extensions?: readonly HostExtension[];
  environment?: NodeJS.ProcessEnv;
  logSink?: LogSink;
}

export interface RunningFunctionHost {
  readonly baseUrl: string;
  readonly functions: readonly AppFunction[];
  readonly services: HostServices;
  stop(): Promise<void>;
}

const loopback = '127.0.0.1';

/**
 * Starts a Functions v4 Node app the way `func start` does, in this process: storage (Azurite unless
 * the app points elsewhere), the app's registrations through `@azure/functions-core`, then one
 * listener per function. Everything started is stopped again if a later step fails.
 */
export async function startFunctionHost(options: FunctionHostOptions): Promise<RunningFunctionHost> {
  const started = performance.now();
  const folder = loadAppFolder(options.appDir);
  const environment = options.environment ?? process.env;
  const settings = new AppSettings(folder.localValues, environment);
  settings.assertNoKeyVaultReferences();
  const app = { ...folder, hostJson: applyHostJsonOverrides(folder.hostJson, settings) };
  const log = new HostLogger(app.hostJson.logging?.logLevel, options.logSink, logFormatFrom(settings));
  const hostId = hostIdFrom(settings, app.hostId);
  const cleanup: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of cleanup.splice(0).reverse()) {
      await step().catch((error: unknown) => log.error(`Stopping: ${(error as Error).message}`));
    }
  };
  try {
    const crashPoints = CrashPoints.parse(settings.get('DurableScoring__CrashAt'));
    const hostConnection = resolveStorageConnection(settings, defaultConnectionName, 'The host');
    const azuritePorts = azuritePortsFrom(settings);
    if (hostConnection.kind === 'connectionString' && isDevelopmentStorage(hostConnection.connectionString)) {
      const azurite = await startAzurite({
        ports: azuritePorts,
        location: path.join(app.directory, '.azurite'),
        onWait: (message) => log.info(message),
      });
      cleanup.push(async () => {
        if ((await azurite.stop()).forced)
          log.error('Azurite did not stop within 5 s and was killed: its last writes may not be on disk.');
      });
      log.info(`Azurite listening on 127.0.0.1:${describePorts(azuritePorts)} (data in .azurite/)`);
    }
    const storage = new StorageConnections(settings, azuritePorts);
    const hostStorage = storage.get(defaultConnectionName, 'The host');
    // Keys, receipts, locks and schedules live in blobs; queues and tables are asked for by their users.
    hostStorage.assertServices(['blob'], 'The host');

    const router = new HttpRouter();
    const keys = new KeyStore(hostStorage.blobs, hostId);
    const server = new HostHttpServer(router, keys, log, { maxRequestBytes: requestBodyLimit(settings) });
    const port = await server.listen(options.port ?? 7071, loopback);
    cleanup.push(() => server.close());
    const baseUrl = `http://${loopback}:${port}`;

    // The app sees local.settings.json Values as its environment, as under Core Tools.
    for (const [name, value] of Object.entries(app.localValues))
      if (process.env[name] === undefined) process.env[name] = value;
    if (environment !== process.env) Object.assign(process.env, environment);
    // The storage SDKs read UseDevelopmentStorage=true as ports 10000-10002: point the app at the
    // host's Azurite wherever it listens.
    if (!samePorts(azuritePorts, defaultAzuritePorts)) {
      for (const [name, value] of Object.entries(process.env))
        if (value !== undefined && isDevelopmentStorage(value))
          process.env[name] = azuriteConnectionString(azuritePorts);
    }
    process.env.WEBSITE_HOSTNAME = `${loopback}:${port}`;
    process.env.FUNCTIONS_WORKER_RUNTIME ??= 'node';

    // The library's own (system) messages, such as its note on each deferred binding, are the worker's
    // diagnostics: shown with --verbose unless they warn.
    const core = new FunctionsCore((level, category, message) =>
      log.host(category === 'system' && !isWarningOrWorse(level) ? 'debug' : level, message),
    );
    const uninstallCore = installCoreModule(core);
    cleanup.push(() => Promise.resolve(uninstallCore()));
    const extensions = [...builtinExtensions(), ...(options.extensions ?? [])];
    const triggers = collect(extensions, (extension) => extension.triggers);
    const bindings = collect(extensions, (extension) => extension.bindings);
    const { functions, disabled } = loadAppFunctions(core, app.entryFiles, settings, {
      trigger: (type) => triggers.has(type.toLowerCase()),
      binding: (type) => bindings.has(type.toLowerCase()),
    });
    for (const fn of disabled) log.warn(`Function '${fn.name}' is disabled: ${fn.reason}.`);
    const bundleNote = extensionBundleNote(app.hostJson.extensionBundle, functions, disabled);
    if (bundleNote) log[bundleNote.level](bundleNote.message);
    const workerCapabilities = await checkCapabilities(core);

    const invoker = new FunctionInvoker(
      core,
      app.directory,
      (level, category, message, functionName, invocationId, traceParent) =>
        log.fn(level, functionName, message, { invocationId, category, traceParent }),
    );
    const pipeline = new InvocationPipeline(invoker, bindings, log, crashPoints);
    const services: HostServices = {
      app,
      hostId,
      settings,
      storage,
      hostStorage,
      log,
      http: router,
      keys,
      crashPoints,
      workerCapabilities,
      baseUrl: () => baseUrl,
      invoke: (fn, invocation) => pipeline.invoke(fn, invocation),
    };
    const disabledBy = functions.map((fn) => disablingSetting(settings, fn.name));
    const listeners = functions.map((fn, index) => {
      const setting = disabledBy[index];
      return setting ? disabledListener(setting) : createListener(fn, services, triggers);
    });
    // Extensions that dispatch functions themselves (Durable) see only the enabled ones.
    const enabled = functions.filter((_fn, index) => disabledBy[index] === undefined);

    await keys.load(extensions.flatMap((extension) => extension.systemKeys ?? []));
    addAdminRoutes(router, services, functions, disabled);
    for (const extension of extensions) {
      if (extension.start) {
        await extension.start(services, enabled);
        cleanup.push(() => extension.stop?.() ?? Promise.resolve());
      }
    }
    await invoker.runAppHooks('appStart');
    cleanup.push(() => invoker.runAppHooks('appTerminate'));
    const running: TriggerListener[] = [];
    // Stopped together, so one listener waiting for its running invocation does not hold up the others.
    cleanup.push(() => Promise.all(running.map((listener) => listener.stop())).then(() => undefined));
    // HTTP routes first, then the server answers: a blob, queue, timer or Event Hub function that the
    // other listeners run while they start may call the host's own HTTP API (the Durable client does),
    // and a 503 there would cost it a retry, or all of them on a slow start.
    const isHttp = (index: number) => functions[index]!.trigger.type.toLowerCase() === 'httptrigger';
    const startListener = async (listener: TriggerListener) => {
      await listener.start();
      running.push(listener);
    };
    for (const listener of listeners.filter((_listener, index) => isHttp(index)))
      await startListener(listener);
    server.markReady();
    for (const listener of listeners.filter((_listener, index) => !isHttp(index)))
      await startListener(listener);
    log.info(
      `Host started in ${Math.round(performance.now() - started)} ms: ${functions.length} function(s) from ${app.directory}`,
    );
    log.info(
      [
        'Functions:',
        ...functions.map((fn, index) => `  ${fn.name}: ${listeners[index]!.describe()}`),
        ...disabled.map((fn) => `  ${fn.name}: disabled (${fn.reason})`),
      ].join('\n'),
    );
    return { baseUrl, functions, services, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The host id names keys, receipts and locks; `AzureFunctionsWebHost__hostid` overrides it, as on Azure. */
export function hostIdFrom(settings: AppSettings, fallback: string): string {
  return settings.get('AzureFunctionsWebHost__hostid') ?? fallback;
}

function samePorts(a: AzuritePorts, b: AzuritePorts): boolean {
  return a.blob === b.blob && a.queue === b.queue && a.table === b.table;
}

/** 10000-10002 when consecutive, as Azurite's defaults read; else each port. */
function describePorts({ blob, queue, table }: AzuritePorts): string {
  return queue === blob + 1 && table === blob + 2 ? `${blob}-${table}` : `${blob},${queue},${table}`;
}

function isWarningOrWorse(level: RpcLogLevel): boolean {
  return level === 'warning' || level === 'error' || level === 'critical';
}

/**
 * The setting that disables a function, if one does: `AzureWebJobs.<name>.Disabled` (or
 * `AzureWebJobs_<name>_Disabled`, for environments without dots in names) set to true or 1, as on Azure.
 */
function disablingSetting(settings: AppSettings, functionName: string): string | undefined {
  return [`AzureWebJobs.${functionName}.Disabled`, `AzureWebJobs_${functionName}_Disabled`].find((name) =>
    /^(true|1)$/i.test(settings.get(name) ?? ''),
  );
}

function disabledListener(setting: string): TriggerListener {
  return {
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
    describe: () => `disabled (${setting})`,
  };
}

function collect<T>(
  extensions: readonly HostExtension[],
  pick: (extension: HostExtension) => Readonly<Record<string, T>> | undefined,
) {
  const map = new Map<string, T>();
  for (const extension of extensions) {
    for (const [type, value] of Object.entries(pick(extension) ?? {})) map.set(type.toLowerCase(), value);
  }
  return map;
}

function createListener(
  fn: AppFunction,
  services: HostServices,
  triggers: ReadonlyMap<string, TriggerFactory>,
): TriggerListener {
  const factory = triggers.get(fn.trigger.type.toLowerCase());
  // loadAppFunctions disables a function whose trigger has no provider, so this is a host bug.
  if (!factory)
    throw new HostSystemError(`No provider for the trigger "${fn.trigger.type}" of '${fn.name}'.`);
  return factory(fn, services);
}

/** The capabilities the worker declares (the programming model's, e.g. those `app.setup` adds). */
async function checkCapabilities(core: FunctionsCore): Promise<Readonly<Record<string, string>>> {
  const programmingModel = core.getProgrammingModel();
  if (!programmingModel) return {};
  const capabilities = (await programmingModel.getCapabilities?.({})) ?? {};
  if (capabilities.HttpUri) {
    throw new HostConfigurationError(
      'The app enables HTTP streaming (app.setup({ enableHttpStream: true })), which the embedded host does not support yet. Remove that setup call to run it here.',
    );
  }
  return capabilities;
}

/** LOG_FORMAT=json: the console log as JSON lines (docs/telemetry.md); anything else, the text lines. */
function logFormatFrom(settings: AppSettings): LogFormat {
  const value = settings.get('LOG_FORMAT')?.trim().toLowerCase();
  if (value === undefined || value === '' || value === 'text') return 'text';
  if (value === 'json') return 'json';
  throw new Error(`Invalid setting LOG_FORMAT: "${value}" is neither "text" nor "json".`);
}
