import { HostConfigurationError } from '../../errors';

const poisonQueueSuffix = '-poison';
const maxQueueNameLength = 63;
// Lower-case letters, digits and single dashes, starting and ending with a letter or digit.
const queueNamePattern = /^[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$/;

/** The queue name as the extension uses it: lower-cased (Azure coerces it too), then validated. */
export function normalizeQueueName(name: unknown, usedBy: string): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new HostConfigurationError(`${usedBy} has no queueName: set it to a queue name or %SETTING%.`);
  }
  const normalized = name.trim().toLowerCase();
  if (!isValidQueueName(normalized)) {
    throw new HostConfigurationError(
      `${usedBy}: "${name}" is not a valid queue name. Use 3-63 lower-case letters, digits and single dashes, starting and ending with a letter or digit.`,
    );
  }
  return normalized;
}

/** `<queue>-poison`, or undefined when the queue has none: it is a poison queue itself, or the name would be too long. */
export function poisonQueueNameFor(queueName: string): string | undefined {
  if (queueName.endsWith(poisonQueueSuffix)) return undefined;
  const poisonName = queueName + poisonQueueSuffix;
  return isValidQueueName(poisonName) ? poisonName : undefined;
}

function isValidQueueName(name: string): boolean {
  return name.length >= 3 && name.length <= maxQueueNameLength && queueNamePattern.test(name);
}
