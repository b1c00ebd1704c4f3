import { randomUUID } from 'node:crypto';
import type { FunctionInvoker } from './core/FunctionInvoker';
import type { RpcInvocationResponse, RpcParameterBinding, RpcTypedData } from './core/coreTypes';
import type {
  AppFunction,
  BindingContext,
  BindingProvider,
  ResolvedBinding,
  TriggerInvocation,
} from './HostExtension';
import { CrashPoints } from './CrashPoints';
import type { HostLogger } from './logging/HostLogger';
import { toError } from './errors';
import { retryPolicyFor } from './retryPolicy';
import { invocationTraceContext } from './tracing/invocationTraceContext';

const returnBindingName = '$return';

/** The function itself failed (threw, or an output could not be written); `cause` holds the app's error. */
export class InvocationFailedError extends Error {
  override name = 'InvocationFailedError';
  constructor(
    readonly functionName: string,
    readonly invocationId: string,
    override readonly cause: Error,
  ) {
    super(`Function '${functionName}' failed (invocation ${invocationId}): ${cause.message}`);
  }
}

/**
 * One invocation end to end: input bindings are read, the worker contract runs the function, and
 * output bindings are written only if it succeeded. Logs one line when it starts and one when it ends.
 */
export class InvocationPipeline {
  constructor(
    private readonly invoker: FunctionInvoker,
    private readonly bindings: ReadonlyMap<string, BindingProvider>,
    private readonly log: HostLogger,
    private readonly crashPoints = new CrashPoints(undefined, 0),
  ) {}

  /** Invokes once, or, under the function's retry policy, again after each failure with `retryContext` set. */
  async invoke(fn: AppFunction, invocation: TriggerInvocation): Promise<RpcInvocationResponse> {
    const policy = retryPolicyFor(fn);
    if (!policy) return this.#invokeOnce(fn, invocation);
    for (let retryCount = 0; ; retryCount++) {
      const retryContext = { retryCount, maxRetryCount: policy.maxRetryCount };
      try {
        return await this.#invokeOnce(fn, { ...invocation, retryContext });
      } catch (error) {
        const exhausted = policy.maxRetryCount >= 0 && retryCount >= policy.maxRetryCount;
        if (exhausted || !(error instanceof InvocationFailedError)) throw error;
        this.log.warn(
          `Function '${fn.name}' failed; retry ${retryCount + 1} of ${policy.maxRetryCount} in ${policy.delayMs(retryCount)} ms.`,
        );
        await new Promise((resolve) => setTimeout(resolve, policy.delayMs(retryCount)));
      }
    }
  }

  async #invokeOnce(fn: AppFunction, invocation: TriggerInvocation): Promise<RpcInvocationResponse> {
    const invocationId = randomUUID();
    const context: BindingContext = { fn, invocationId, bindingData: invocation.bindingData ?? {} };
    const started = performance.now();
    const reason = invocation.reason ? `Reason='${invocation.reason}', ` : '';
    this.log.host('debug', `Executing 'Functions.${fn.name}' (${reason}Id=${invocationId})`);
    try {
      this.crashPoints.reached('before-invocation', fn.name);
      const inputData: RpcParameterBinding[] = [{ name: fn.trigger.name, data: invocation.triggerData }];
      for (const binding of fn.inputs) {
        inputData.push({
          name: binding.name,
          data: await this.#provider(binding).readInput?.(binding, context),
        });
      }
      const response = await this.invoker.invoke(fn.registered, {
        invocationId,
        inputData,
        triggerMetadata: invocation.triggerMetadata,
        traceContext: invocationTraceContext(invocation.traceContext),
        retryContext: invocation.retryContext,
      });
      await this.#writeOutputs(fn, response, context);
      this.#logDone(fn, invocationId, started, 'Succeeded');
      this.crashPoints.reached('after-invocation', fn.name);
      return response;
    } catch (caught) {
      const error = toError(caught);
      this.#logDone(fn, invocationId, started, 'Failed', error);
      throw new InvocationFailedError(fn.name, invocationId, error);
    }
  }

  async #writeOutputs(
    fn: AppFunction,
    response: RpcInvocationResponse,
    context: BindingContext,
  ): Promise<void> {
    const values = new Map<string, RpcTypedData | null | undefined>();
    for (const output of response.outputData ?? []) values.set(output.name, output.data);
    if (response.returnValue !== undefined) values.set(returnBindingName, response.returnValue);
    for (const binding of fn.outputs) {
      const provider = this.#provider(binding);
      const data = values.get(binding.name);
      if (provider.writeOutput && data !== undefined && data !== null) {
        await provider.writeOutput(binding, data, context);
      }
    }
  }

  #provider(binding: ResolvedBinding): BindingProvider {
    // Bindings are checked against the providers when the host starts, so this always finds one.
    return this.bindings.get(binding.type.toLowerCase()) ?? {};
  }

  #logDone(fn: AppFunction, invocationId: string, started: number, outcome: string, error?: Error): void {
    const duration = Math.round(performance.now() - started);
    const line = `Executed 'Functions.${fn.name}' (${outcome}, Id=${invocationId}, Duration=${duration}ms)`;
    if (error) this.log.error(`${line}\n  ${error.stack ?? error.message}`);
    else this.log.info(line);
  }
}
