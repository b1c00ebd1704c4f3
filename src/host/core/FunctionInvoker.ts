import { randomUUID } from 'node:crypto';
import type { FunctionsCore, RegisteredFunction } from './FunctionsCore';
import type {
  CoreInvocationContext,
  HookName,
  RpcInvocationRequest,
  RpcInvocationResponse,
  RpcLogCategory,
  RpcLogLevel,
} from './coreTypes';
import { HostSystemError, toError } from '../errors';

export type InvocationLogger = (
  level: RpcLogLevel,
  category: RpcLogCategory,
  message: string,
  functionName: string,
  invocationId: string,
  traceParent: string | undefined,
) => void;

/**
 * Runs one invocation through the app's programming model in the Node worker's order:
 * getArguments → preInvocation hooks → invokeFunction → postInvocation hooks → getResponse.
 */
export class FunctionInvoker {
  readonly #appHookData: Record<string, unknown> = {};

  constructor(
    private readonly core: FunctionsCore,
    private readonly appDirectory: string,
    private readonly logger: InvocationLogger,
  ) {}

  async invoke(fn: RegisteredFunction, request: RpcInvocationRequest): Promise<RpcInvocationResponse> {
    const programmingModel = this.core.getProgrammingModel();
    if (!programmingModel) {
      throw new HostSystemError('The app registered functions but never set a programming model.');
    }
    const invocationId = request.invocationId ?? randomUUID();
    const functionName = fn.metadata.name;
    // The library's context exists only after getArguments; log hooks before that get undefined.
    const current: { context?: unknown } = {};
    const coreContext: CoreInvocationContext = {
      invocationId,
      request: { ...request, invocationId },
      metadata: fn.metadata,
      state: undefined,
      log: (level, category, message) => {
        this.logger(level, category, message, functionName, invocationId, request.traceContext?.traceParent);
        this.#runLogHooks(level, category, message, current.context);
      },
    };
    const invocationModel = programmingModel.getInvocationModel(coreContext);
    const { context, inputs: initialInputs } = await invocationModel.getArguments();
    current.context = context;

    const preContext: Record<string, unknown> = {
      hookData: {},
      appHookData: this.#appHookData,
      functionAppDirectory: this.appDirectory,
      invocationContext: context,
      inputs: initialInputs,
      functionCallback: fn.callback,
    };
    coreContext.state = 'preInvocationHooks';
    try {
      await this.#runHooks('preInvocation', preContext);
    } finally {
      coreContext.state = undefined;
    }
    const inputs = preContext.inputs as unknown[];
    const callback = preContext.functionCallback as typeof fn.callback;

    let result: unknown;
    let error: unknown;
    coreContext.state = 'invocation';
    try {
      result = await invocationModel.invokeFunction(context, inputs, callback);
    } catch (caught) {
      error = caught;
    } finally {
      coreContext.state = undefined;
    }

    const postContext: Record<string, unknown> = {
      hookData: preContext.hookData,
      appHookData: this.#appHookData,
      functionAppDirectory: this.appDirectory,
      invocationContext: context,
      inputs,
      result,
      error,
    };
    coreContext.state = 'postInvocationHooks';
    try {
      await this.#runHooks('postInvocation', postContext);
    } finally {
      coreContext.state = undefined;
    }
    if (postContext.error !== undefined && postContext.error !== null) throw toError(postContext.error);
    return invocationModel.getResponse(context, postContext.result);
  }

  /** Runs appStart or appTerminate hooks with the shared app hook data. */
  async runAppHooks(name: Extract<HookName, 'appStart' | 'appTerminate'>): Promise<void> {
    await this.#runHooks(name, {
      hookData: {},
      appHookData: this.#appHookData,
      functionAppDirectory: this.appDirectory,
    });
  }

  async #runHooks(name: HookName, context: Record<string, unknown>): Promise<void> {
    for (const hook of this.core.hooks(name)) {
      await hook(context);
    }
  }

  #runLogHooks(level: RpcLogLevel, category: RpcLogCategory, message: string, invocationContext: unknown) {
    const hooks = this.core.hooks('log');
    if (hooks.length === 0) return;
    const hookContext = {
      hookData: {},
      appHookData: this.#appHookData,
      level,
      category,
      message,
      invocationContext,
    };
    for (const hook of hooks) {
      try {
        void hook(hookContext);
      } catch {
        // A failing log hook must not fail the invocation that logged.
      }
    }
  }
}
