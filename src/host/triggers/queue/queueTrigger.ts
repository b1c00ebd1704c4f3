import type { TriggerFactory } from '../../HostExtension';
import { defaultConnectionName } from '../../storage/StorageConnections';
import { normalizeQueueName, poisonQueueNameFor } from './queueNames';
import { QueueListener } from './QueueListener';
import { QueueMessageProcessor } from './QueueMessageProcessor';
import { readQueuesOptions } from './readQueuesOptions';

// A running message stays invisible this long, renewed halfway, as in the extension.
const leaseSeconds = 10 * 60;
const stopGracePeriodMs = 30_000;

/** Runs a `queueTrigger` function for each message on its queue (Azure Storage Queues extension v5 semantics). */
export const queueTrigger: TriggerFactory = (fn, services) => {
  const binding = fn.trigger;
  const usedBy = `Function '${fn.name}' (queue trigger "${binding.name}")`;
  const queueName = normalizeQueueName(binding.queueName, usedBy);
  const connectionName =
    typeof binding.connection === 'string' && binding.connection !== ''
      ? binding.connection
      : defaultConnectionName;
  const connection = services.storage.get(connectionName, usedBy);
  connection.assertServices(['queue'], usedBy);
  const queues = connection.queues;
  const options = readQueuesOptions(services.app.hostJson);
  const queue = queues.getQueueClient(queueName);
  const poisonQueueName = poisonQueueNameFor(queueName);
  const processor = new QueueMessageProcessor({
    fn,
    services,
    queue,
    poisonQueue: poisonQueueName === undefined ? undefined : queues.getQueueClient(poisonQueueName),
    options,
    leaseSeconds,
  });
  const listener = new QueueListener({
    functionName: fn.name,
    queue,
    processor,
    options,
    leaseSeconds,
    log: services.log,
    stopGracePeriodMs,
  });
  return {
    start: () => listener.start(),
    stop: () => listener.stop(),
    describe: () => `queue: ${queueName} (connection ${connectionName})`,
  };
};
