import { Disposable } from './Disposable';
import type {
  FunctionCallback,
  FunctionMetadata,
  HookCallback,
  HookName,
  ProgrammingModel,
  RpcLogCategory,
  RpcLogLevel,
} from './coreTypes';
import { HostSystemError } from '../errors';

export interface RegisteredFunction {
  readonly metadata: FunctionMetadata;
  readonly callback: FunctionCallback;
}

const hookNames: readonly HookName[] = ['appStart', 'appTerminate', 'preInvocation', 'postInvocation', 'log'];

/** Emulates the Functions host version the library checks features against (HTTP streaming needs 4.28). */
export const emulatedHostVersion = '4.1040.0';

/**
 * What the app sees as `require('@azure/functions-core')`: it records registrations and hooks so the
 * host can invoke functions the way the Node worker does.
 */
export class FunctionsCore {
  readonly version = '3.12.0';
  readonly hostVersion = emulatedHostVersion;
  readonly Disposable = Disposable;

  readonly #functions = new Map<string, RegisteredFunction>();
  readonly #hooks = new Map<HookName, Set<HookCallback>>(hookNames.map((name) => [name, new Set()]));
  #programmingModel: ProgrammingModel | undefined;
  #registrationOpen = true;

  constructor(
    private readonly onLog: (level: RpcLogLevel, category: RpcLogCategory, message: string) => void,
  ) {}

  registerFunction = (metadata: FunctionMetadata, callback: FunctionCallback): Disposable => {
    if (!this.#registrationOpen) {
      throw new HostSystemError(
        `Function "${metadata.name}" was registered after the app started; register functions at module load.`,
      );
    }
    const key = metadata.name.toLowerCase();
    if (this.#functions.has(key)) {
      throw new HostSystemError(`A function with the name "${metadata.name}" has already been registered.`);
    }
    this.#functions.set(key, { metadata, callback });
    return new Disposable(() => this.#functions.delete(key));
  };

  registerHook = (name: string, callback: HookCallback): Disposable => {
    const hooks = this.#hooks.get(name as HookName);
    if (!hooks) {
      // The library recognises an unknown hook by this error's name and its system flag.
      const error = new RangeError(`Unrecognized hook "${name}"`) as RangeError & {
        isAzureFunctionsSystemError: boolean;
      };
      error.isAzureFunctionsSystemError = true;
      throw error;
    }
    hooks.add(callback);
    return new Disposable(() => hooks.delete(callback));
  };

  setProgrammingModel = (programmingModel: ProgrammingModel): void => {
    this.#programmingModel = programmingModel;
  };

  getProgrammingModel = (): ProgrammingModel | undefined => this.#programmingModel;

  log = (level: RpcLogLevel, category: RpcLogCategory, message: string): void => {
    this.onLog(level, category, message);
  };

  /** Ends the registration phase (as the worker does once the app's entry points are loaded). */
  closeRegistration(): void {
    this.#registrationOpen = false;
  }

  functions(): RegisteredFunction[] {
    return [...this.#functions.values()];
  }

  hooks(name: HookName): HookCallback[] {
    return [...(this.#hooks.get(name) ?? [])];
  }
}
