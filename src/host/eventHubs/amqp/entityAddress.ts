import { AmqpError, conditions } from './AmqpError';

/** What an AMQP link address names on an Event Hubs namespace. */
export type EntityAddress =
  | { readonly kind: 'cbs' }
  | { readonly kind: 'management' }
  | { readonly kind: 'publish'; readonly hub: string; readonly partitionId?: string }
  | {
      readonly kind: 'consume';
      readonly hub: string;
      readonly consumerGroup: string;
      readonly partitionId: string;
    };

/**
 * Reads a link address as the service does: `$cbs`, `$management` (or `<hub>/$management`), `<hub>`,
 * `<hub>/Partitions/<id>` to publish, `<hub>/ConsumerGroups/<group>/Partitions/<id>` to consume. A full
 * URI (`amqp://host/hub`) is read by its path. Segment names are case-insensitive.
 */
export function parseEntityAddress(address: string | undefined, role: 'publish' | 'consume'): EntityAddress {
  const path = (address ?? '').replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/^\/+|\/+$/g, '');
  const parts = path.split('/').map((part) => decodeURIComponent(part));
  if (parts.length === 1 && parts[0] === '$cbs') return { kind: 'cbs' };
  if (parts[parts.length - 1]?.toLowerCase() === '$management' && parts.length <= 2)
    return { kind: 'management' };
  const [hub, second, third, fourth, fifth] = parts;
  if (!hub) throw unknownAddress(address, role);
  if (role === 'publish') {
    if (parts.length === 1) return { kind: 'publish', hub };
    if (parts.length === 3 && second?.toLowerCase() === 'partitions' && third)
      return { kind: 'publish', hub, partitionId: third };
  } else if (
    parts.length === 5 &&
    second?.toLowerCase() === 'consumergroups' &&
    third &&
    fourth?.toLowerCase() === 'partitions' &&
    fifth
  ) {
    return { kind: 'consume', hub, consumerGroup: third, partitionId: fifth };
  }
  throw unknownAddress(address, role);
}

function unknownAddress(address: string | undefined, role: 'publish' | 'consume'): AmqpError {
  const expected =
    role === 'publish'
      ? "'<hub>' or '<hub>/Partitions/<id>'"
      : "'<hub>/ConsumerGroups/<group>/Partitions/<id>'";
  return new AmqpError(
    conditions.notFound,
    `The address '${address ?? ''}' names no Event Hubs entity; a link that ${role === 'publish' ? 'sends' : 'receives'} events attaches to ${expected}.`,
    404,
  );
}
