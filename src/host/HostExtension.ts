import type { RegisteredFunction } from './core/FunctionsCore';
import type { RpcBindingInfo, RpcInvocationResponse, RpcRetryContext, RpcTypedData } from './core/coreTypes';
import type { AppFolder } from './app/loadAppFolder';
import type { CrashPoints } from './CrashPoints';
import type { AppSettings } from './settings/AppSettings';
import type { StorageConnection } from './storage/StorageConnection';
import type { StorageConnections } from './storage/StorageConnections';
import type { HostLogger } from './logging/HostLogger';
import type { HttpRouter } from './http/HttpRouter';
import type { KeyStore } from './keys/KeyStore';
import type { IncomingTraceContext } from './tracing/invocationTraceContext';

/** A binding with its `%SETTING%` values resolved; `{expressions}` stay until invocation. */
export type ResolvedBinding = RpcBindingInfo & { name: string; type: string };

/** A function of the loaded app, as the host's triggers and bindings see it. */
export interface AppFunction {
  readonly name: string;
  readonly registered: RegisteredFunction;
  readonly trigger: ResolvedBinding;
  readonly inputs: ResolvedBinding[];
  readonly outputs: ResolvedBinding[];
}

/** A function of the app the host does not run (a binding no extension provides): listed, never invoked. */
export interface DisabledFunction {
  readonly name: string;
  /** As registered: `%SETTING%` values are not resolved. */
  readonly trigger: ResolvedBinding;
  readonly bindings: readonly ResolvedBinding[];
  /** What is missing and what would run it, e.g. "the host has no 'twilioSms' output binding; ...". */
  readonly reason: string;
}

/** What a trigger hands to the host for one invocation. */
export interface TriggerInvocation {
  readonly triggerData: RpcTypedData;
  readonly triggerMetadata?: Record<string, RpcTypedData>;
  /** Values for `{expressions}` in the function's other bindings (route params, blob path params, ...). */
  readonly bindingData?: Record<string, unknown>;
  readonly retryContext?: RpcRetryContext;
  /** The caller's trace context (an HTTP request's `traceparent`); absent: the invocation starts a trace. */
  readonly traceContext?: IncomingTraceContext;
  /** Why it runs, for the log line (e.g. "New blob detected: input/a.csv"). */
  readonly reason?: string;
}

export interface BindingContext {
  readonly fn: AppFunction;
  readonly invocationId: string;
  readonly bindingData: Record<string, unknown>;
}

/** Reads input bindings and writes output bindings of one binding type. */
export interface BindingProvider {
  readInput?(binding: ResolvedBinding, context: BindingContext): Promise<RpcTypedData | undefined>;
  writeOutput?(binding: ResolvedBinding, data: RpcTypedData, context: BindingContext): Promise<void>;
}

/** Feeds one function with events (HTTP requests, timer ticks, blobs, messages). */
export interface TriggerListener {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** One line for the start-up listing, e.g. "[GET,POST] http://127.0.0.1:7071/api/hello". */
  describe(): string;
}

export type TriggerFactory = (fn: AppFunction, services: HostServices) => TriggerListener;

/** Services the host gives to triggers, bindings and extensions. */
export interface HostServices {
  readonly app: AppFolder;
  /** Names this host's keys, receipts, locks and schedule status in storage. */
  readonly hostId: string;
  readonly settings: AppSettings;
  readonly storage: StorageConnections;
  /** The host's own storage (AzureWebJobsStorage): receipts, keys, locks, schedule status. */
  readonly hostStorage: StorageConnection;
  readonly log: HostLogger;
  readonly http: HttpRouter;
  readonly keys: KeyStore;
  /** Where crash tests kill the host (`DurableScoring__CrashAt`); inert otherwise. */
  readonly crashPoints: CrashPoints;
  /** What the worker declared it handles (e.g. `IncludeEmptyEntriesInMessagePayload`), which shapes payloads. */
  readonly workerCapabilities: Readonly<Record<string, string>>;
  /** The host's base URL once it listens, e.g. http://127.0.0.1:7071. */
  baseUrl(): string;
  /** Runs one invocation: reads inputs, invokes through the worker contract, writes outputs. Throws if the function failed. */
  invoke(fn: AppFunction, invocation: TriggerInvocation): Promise<RpcInvocationResponse>;
}

/** A capability plugged into the host: trigger kinds, binding kinds, runtime endpoints, background work. */
export interface HostExtension {
  readonly name: string;
  readonly triggers?: Readonly<Record<string, TriggerFactory>>;
  readonly bindings?: Readonly<Record<string, BindingProvider>>;
  /** System keys (azure-webjobs-secrets) the extension's endpoints accept, e.g. durabletask_extension. */
  readonly systemKeys?: readonly string[];
  /** Called after the app is loaded and before listeners start. */
  start?(services: HostServices, functions: readonly AppFunction[]): Promise<void>;
  stop?(): Promise<void>;
}
