import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { globSync } from 'glob';
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

/**
 * Expands package.json `main` as the Node worker does: a glob (`*`, `**`, `{a,b}`) matched against the
 * app folder's files, sorted so functions register in a stable order.
 */
export function expandEntryPattern(appDir: string, pattern: string): string[] {
  return globSync(pattern.replace(/\\/g, '/'), { cwd: appDir, absolute: true, nodir: true }).sort();
}
