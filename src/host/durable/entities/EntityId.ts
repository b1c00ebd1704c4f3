/** An entity's name and key, as durable-functions' EntityId carries them. */
export interface EntityId {
  readonly name: string;
  readonly key: string;
}

/**
 * The instance id an entity lives under in the task hub, `@name@key` with the name in lower case:
 * the scheduler id durable-functions and the extension use, so the Instances table reads the same.
 */
export function entityInstanceId(entity: EntityId): string {
  return `@${entity.name.toLowerCase()}@${entity.key}`;
}

/** Whether an instance id names an entity (`@name@key`) rather than an orchestration. */
export function isEntityInstanceId(instanceId: string): boolean {
  return instanceId.startsWith('@') && instanceId.indexOf('@', 1) > 1;
}

/** The entity behind an `@name@key` instance id, or undefined for an orchestration's id. */
export function parseEntityInstanceId(instanceId: string): EntityId | undefined {
  if (!isEntityInstanceId(instanceId)) return undefined;
  const at = instanceId.indexOf('@', 1);
  return { name: instanceId.slice(1, at), key: instanceId.slice(at + 1) };
}

/** Why a name or key cannot make an entity id, or undefined when it can. */
export function invalidEntityIdReason(entity: EntityId): string | undefined {
  if (entity.name === '') return 'The entity name is empty.';
  if (entity.name.includes('@'))
    return `The entity name '${entity.name}' contains '@', which entity ids reserve.`;
  if (entity.key === '') return `The key of entity '${entity.name}' is empty.`;
  return undefined;
}
