/**
 * Why an orchestration's instance ID cannot be used, or undefined when it can: it is a table key and
 * part of blob names, so it must be 1-256 characters without `/ \ # ?` or control characters (Azure
 * Storage's rules), and it does not start with `@`, which entities' IDs (`@name@key`) do.
 */
export function instanceIdProblem(instanceId: string): string | undefined {
  const hasControlCharacter = [...instanceId].some(
    (char) => char.charCodeAt(0) < 0x20 || (char.charCodeAt(0) >= 0x7f && char.charCodeAt(0) <= 0x9f),
  );
  if (
    instanceId.length === 0 ||
    instanceId.length > 256 ||
    /[/\\#?]/.test(instanceId) ||
    hasControlCharacter
  ) {
    return `Instance ID '${instanceId}' is invalid: 1-256 characters, none of / \\ # ? or control characters.`;
  }
  if (instanceId.startsWith('@'))
    return `Instance ID '${instanceId}' is invalid: an orchestration's ID does not start with @ (entities use @name@key).`;
  return undefined;
}
