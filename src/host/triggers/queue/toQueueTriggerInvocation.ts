import type { ReceivedMessageItem } from '@azure/storage-queue';
import type { ResolvedBinding, TriggerInvocation } from '../../HostExtension';
import { toRpcMetadata, valueToRpcData } from '../../converters/rpcTypedData';

/**
 * One message as the host hands it to the worker: the body as a string (bytes for `dataType:
 * binary`), the trigger metadata the extension's binding data contract names (PascalCase; the library
 * camelCases it), and for `{expressions}` in other bindings that metadata plus the properties of a
 * JSON body (the metadata wins a name clash).
 */
export function toQueueTriggerInvocation(
  message: ReceivedMessageItem,
  body: Buffer,
  queueName: string,
  binding: ResolvedBinding,
): TriggerInvocation {
  const text = body.toString('utf8');
  const metadata = {
    QueueTrigger: text,
    DequeueCount: message.dequeueCount,
    Id: message.messageId,
    ExpirationTime: message.expiresOn.toISOString(),
    InsertionTime: message.insertedOn.toISOString(),
    NextVisibleTime: message.nextVisibleOn.toISOString(),
    PopReceipt: message.popReceipt,
  };
  return {
    triggerData: binding.dataType === 'binary' ? { bytes: body } : { string: text },
    // The host sends the dequeue count as an integer, not as JSON.
    triggerMetadata: { ...toRpcMetadata(metadata), DequeueCount: valueToRpcData(message.dequeueCount) },
    bindingData: { ...jsonProperties(text, Object.keys(metadata)), ...metadata },
    reason: `New queue message detected on '${queueName}'.`,
  };
}

function jsonProperties(text: string, reservedNames: string[]): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  const reserved = new Set(reservedNames.map((name) => name.toLowerCase()));
  return Object.fromEntries(
    Object.entries(parsed as Record<string, unknown>).filter(([name]) => !reserved.has(name.toLowerCase())),
  );
}
