import { randomUUID } from 'node:crypto';
import type { AppSettings } from './AppSettings';
import { HostConfigurationError } from '../errors';

const appSettingPattern = /%([^%]+)%/g;
const bindingExpressionPattern = /\{([^{}]+)\}/g;

/** Replaces `%NAME%` with app settings; a missing setting is an error naming the binding that uses it. */
export function resolveAppSettings(value: string, settings: AppSettings, usedBy: string): string {
  return value.replace(appSettingPattern, (_match, name: string) => settings.require(name, usedBy));
}

/** Resolves `%NAME%` in every string property of a binding, leaving `{expressions}` for invocation time. */
export function resolveBindingSettings<T extends Record<string, unknown>>(
  binding: T,
  settings: AppSettings,
  usedBy: string,
): T {
  const resolved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(binding)) {
    resolved[key] = typeof value === 'string' ? resolveAppSettings(value, settings, usedBy) : value;
  }
  return resolved as T;
}

/**
 * Resolves `{name}` expressions from binding data (trigger metadata, route params, JSON payload
 * properties; names match case-insensitively, dotted paths reach into objects), plus the system
 * expressions `{rand-guid}`, `{DateTime}`, `{sys.randguid}` and `{sys.utcnow}`.
 */
export function resolveBindingTemplate(
  template: string,
  bindingData: Record<string, unknown>,
  usedBy: string,
  now: Date = new Date(),
): string {
  return template.replace(bindingExpressionPattern, (_match, expression: string) => {
    const name = expression.trim();
    const lower = name.toLowerCase();
    if (lower === 'rand-guid' || lower === 'sys.randguid') return randomUUID();
    if (lower === 'datetime' || lower === 'sys.utcnow') return now.toISOString();
    const value = lookUp(bindingData, name.split('.'));
    if (value === undefined || value === null) {
      throw new HostConfigurationError(
        `${usedBy}: the binding expression {${name}} has no value in this invocation's trigger data (available: ${Object.keys(bindingData).join(', ') || 'none'}).`,
      );
    }
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return JSON.stringify(value);
  });
}

function lookUp(data: unknown, path: string[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    const entries = Object.entries(current as Record<string, unknown>);
    const match = entries.find(([key]) => key.toLowerCase() === segment.toLowerCase());
    current = match?.[1];
  }
  return current;
}

/**
 * Matches a blob path against a pattern such as `input/{name}.csv`: returns the captured parameters,
 * or undefined when the path does not match. A `{name}` captures across `/`, as in the real host.
 */
export function matchPathPattern(pattern: string, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  let regex = '^';
  let last = 0;
  for (const match of pattern.matchAll(bindingExpressionPattern)) {
    regex += escapeRegExp(pattern.slice(last, match.index));
    names.push(match[1] ?? '');
    regex += '(.+?)';
    last = (match.index ?? 0) + match[0].length;
  }
  regex += escapeRegExp(pattern.slice(last)) + '$';
  const found = new RegExp(regex).exec(path);
  if (!found) return undefined;
  const params: Record<string, string> = {};
  names.forEach((name, index) => (params[name] = found[index + 1] ?? ''));
  return params;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
