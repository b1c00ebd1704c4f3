import type { AppFunction, HostServices, TriggerInvocation } from '../../HostExtension';
import { InvocationFailedError } from '../../InvocationPipeline';
import type { StoredEvent } from '../../eventHubs/EventHubEvent';
import { toBatchInvocation, toSingleInvocation, type PartitionSource } from './toEventHubInvocation';

/**
 * Runs the function on a batch of one partition, whichever backend read it: once with the whole batch
 * (`cardinality: 'many'`) or once per event, in order. A failed invocation is logged by the invocation
 * and does not stop the batch: the checkpoint moves on anyway, as on Azure.
 */
export async function runEventHubFunction(
  fn: AppFunction,
  services: HostServices,
  events: readonly StoredEvent[],
  source: PartitionSource,
  options: { readonly cardinality: 'one' | 'many'; readonly binary: boolean },
): Promise<void> {
  const invocations: TriggerInvocation[] =
    options.cardinality === 'many'
      ? [toBatchInvocation(events, source, options.binary, services.workerCapabilities)]
      : events.map((event) => toSingleInvocation(event, source, options.binary));
  for (const invocation of invocations) {
    try {
      await services.invoke(fn, invocation);
    } catch (error) {
      if (!(error instanceof InvocationFailedError)) throw error;
    }
  }
}
