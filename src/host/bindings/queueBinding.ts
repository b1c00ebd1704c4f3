import type { BindingProvider, HostServices } from '../HostExtension';
import { HostConfigurationError } from '../errors';
import { resolveBindingTemplate } from '../settings/resolveBindingExpressions';
import { bindingUsage, connectionName, requiredProperty } from './bindingUsage';
import { toOutputMessages } from './toOutputMessages';

/**
 * The `queue` output: a returned value is one message, an array one message per element. Messages are
 * base64-encoded unless host.json says `extensions.queues.messageEncoding: "none"`, so the host's own queue
 * trigger (and Azure's) reads them back; the queue is created on first use, as the host does.
 */
export function queueBinding(services: () => HostServices): BindingProvider {
  return {
    async writeOutput(binding, data, context) {
      const host = services();
      const usedBy = bindingUsage(context.fn, binding);
      const queueName = resolveBindingTemplate(
        requiredProperty(binding, 'queueName', usedBy),
        context.bindingData,
        usedBy,
      );
      if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(queueName)) {
        throw new HostConfigurationError(
          `${usedBy}: "${queueName}" is not a valid queue name (3-63 lower-case letters, digits and single hyphens).`,
        );
      }
      const base64 = (host.app.hostJson.extensions?.queues?.messageEncoding ?? 'base64') === 'base64';
      const queue = host.storage.get(connectionName(binding), usedBy).queues.getQueueClient(queueName);
      await queue.createIfNotExists();
      for (const message of toOutputMessages(data)) {
        const bytes = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
        await queue.sendMessage(base64 ? bytes.toString('base64') : bytes.toString('utf8'));
      }
    },
  };
}
