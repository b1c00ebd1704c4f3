import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { hostJsonSchema, type HostJson } from './HostJson';
import { HostConfigurationError } from '../errors';

export interface AppFolder {
  readonly directory: string;
  readonly hostJson: HostJson;
  readonly localValues: Record<string, string>;
  readonly entryFiles: string[];
  /** A stable id for keys, receipts and locks, derived from the folder (like the host id on Azure). */
  readonly hostId: string;
}

const localSettingsSchema = z.looseObject({
  IsEncrypted: z.boolean().optional(),
  Values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

/** Reads a function app folder the way `func start` does: host.json, local.settings.json, package.json main. */
export function loadAppFolder(directory: string): AppFolder {
  const appDir = path.resolve(directory);
  const hostJsonPath = path.join(appDir, 'host.json');
  if (!existsSync(hostJsonPath)) {
    throw new HostConfigurationError(`${hostJsonPath} not found: is ${appDir} a function app folder?`);
  }
  const hostJson = parseJsonFile(hostJsonPath, hostJsonSchema);

  const localSettingsPath = path.join(appDir, 'local.settings.json');
  const localSettings = existsSync(localSettingsPath)
    ? parseJsonFile(localSettingsPath, localSettingsSchema)
    : {};
  if (localSettings.IsEncrypted) {
    throw new HostConfigurationError(
      `${localSettingsPath} is encrypted; the embedded host reads plain settings only.`,
    );
  }
  const localValues = Object.fromEntries(
    Object.entries(localSettings.Values ?? {}).map(([name, value]) => [name, String(value)]),
  );

  const packageJsonPath = path.join(appDir, 'package.json');
  const packageJson = existsSync(packageJsonPath)
    ? parseJsonFile(
        packageJsonPath,
        z.looseObject({ main: z.string().optional(), name: z.string().optional() }),
      )
    : {};
  const main = packageJson.main ?? 'index.js';
  const entryFiles = expandEntryPattern(appDir, main);
  if (entryFiles.length === 0) {
    throw new HostConfigurationError(
      `package.json "main" is "${main}", which matches no file in ${appDir}. Build the app first (npm run build)?`,
    );
  }
  return {
    directory: appDir,
    hostJson,
    localValues,
    entryFiles,
    hostId: toHostId(packageJson.name, appDir),
  };
}

function parseJsonFile<T>(file: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new HostConfigurationError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HostConfigurationError(`${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}

/**
 * A host id per app folder: its package name (or folder name) plus a hash of its path, so two apps on
 * one storage account never share keys, receipts or locks (the local Functions host also derives it
 * from the machine and the path). At most 32 characters, as on Azure.
 */
function toHostId(packageName: string | undefined, appDir: string): string {
  const base = (packageName || path.basename(appDir))
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+|-+$/g, '');
  const hash = createHash('sha256').update(appDir).digest('hex').slice(0, 8);
  return `${(base || 'functionapp').slice(0, 23)}-${hash}`;
}

/** Expands package.json `main` as the worker does: `*`, `**` and `{a,b}` globs, sorted. */
export function expandEntryPattern(appDir: string, pattern: string): string[] {
  const alternatives = expandBraces(pattern.replace(/\\/g, '/'));
  const files = new Set<string>();
  for (const alternative of alternatives) {
    const segments = alternative.split('/').filter((segment) => segment !== '' && segment !== '.');
    for (const file of walk(appDir, segments)) files.add(file);
  }
  return [...files].sort();
}

function expandBraces(pattern: string): string[] {
  const match = /\{([^{}]*)\}/.exec(pattern);
  if (!match) return [pattern];
  const before = pattern.slice(0, match.index);
  const after = pattern.slice(match.index + match[0].length);
  return (match[1] ?? '').split(',').flatMap((option) => expandBraces(before + option + after));
}

function walk(directory: string, segments: string[]): string[] {
  const [segment, ...rest] = segments;
  if (segment === undefined) return [];
  if (segment === '**') {
    const here = walk(directory, rest);
    const deeper = listDirectories(directory).flatMap((child) => walk(path.join(directory, child), segments));
    return [...here, ...deeper];
  }
  if (!segment.includes('*')) {
    const next = path.join(directory, segment);
    if (rest.length === 0) return existsSync(next) && statSync(next).isFile() ? [next] : [];
    return existsSync(next) ? walk(next, rest) : [];
  }
  const regex = new RegExp('^' + segment.split('*').map(escapeRegExp).join('[^/]*') + '$');
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => regex.test(entry.name) && !entry.name.endsWith('.map'))
    .flatMap((entry) => {
      const next = path.join(directory, entry.name);
      if (rest.length === 0) return entry.isFile() ? [next] : [];
      return entry.isDirectory() ? walk(next, rest) : [];
    });
}

function listDirectories(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'node_modules')
    .map((entry) => entry.name);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
