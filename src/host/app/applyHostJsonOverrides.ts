import type { AppSettings } from '../settings/AppSettings';
import { hostJsonSchema, type HostJson } from './HostJson';

const prefix = 'AzureFunctionsJobHost__';

/**
 * Applies app settings named `AzureFunctionsJobHost__<path>` (e.g.
 * `AzureFunctionsJobHost__extensions__queues__batchSize`) over host.json, as the Functions host does.
 * Path segments match existing properties case-insensitively; values that look like numbers or
 * booleans become them.
 */
export function applyHostJsonOverrides(hostJson: HostJson, settings: AppSettings): HostJson {
  const overrides = settings.withPrefix(prefix);
  if (overrides.size === 0) return hostJson;
  const result = structuredClone(hostJson) as Record<string, unknown>;
  for (const [path, value] of overrides) {
    const segments = path.split('__').filter((segment) => segment !== '');
    let target = result;
    segments.forEach((segment, index) => {
      const key =
        Object.keys(target).find((existing) => existing.toLowerCase() === segment.toLowerCase()) ?? segment;
      if (index === segments.length - 1) {
        target[key] = parseValue(value);
      } else {
        if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
        target = target[key] as Record<string, unknown>;
      }
    });
  }
  const parsed = hostJsonSchema.safeParse(result);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `An ${prefix}* setting makes host.json invalid: ${issue?.path.join('.')}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

function parseValue(value: string): unknown {
  if (/^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}
