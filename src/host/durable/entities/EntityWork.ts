import type { EntityId } from './EntityId';

/**
 * A message an orchestration sends to an entity, with the sequence id the SDK gave it (`target` is
 * the entity's `@name@key` instance id); calls and locks await a response.
 */
export type EntityWork =
  | { kind: 'entityCall' | 'entitySignal'; id: number; target: string; operation: string; input?: string }
  | { kind: 'entityLock'; id: number; requestId: string; lockSet: EntityId[] }
  | { kind: 'entityRelease'; id: number; target: string; requestId: string };

export function isEntityWork(work: { readonly kind: string }): work is EntityWork {
  return ['entityCall', 'entitySignal', 'entityLock', 'entityRelease'].includes(work.kind);
}
