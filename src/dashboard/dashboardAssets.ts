import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One file of the dashboard's page, ready to answer with. */
export interface DashboardAsset {
  readonly body: Buffer;
  readonly contentType: string;
  /** Hashed names never change content, so they are cached for good; the page itself is revalidated. */
  readonly immutable: boolean;
}

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * The files `npm run build` bundled into `dist/dashboard/` (next to `dist/src/`, so the deployed
 * package carries them), read once. Only the names found there are served: a request names a file,
 * never a path, so nothing outside that folder can be reached.
 */
export function loadDashboardAssets(folder: string): ReadonlyMap<string, DashboardAsset> {
  const assets = new Map<string, DashboardAsset>();
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return assets;
  }
  for (const name of names) {
    const contentType = contentTypes[path.extname(name)];
    if (!contentType) continue;
    assets.set(name, {
      body: readFileSync(path.join(folder, name)),
      contentType,
      immutable: name !== 'index.html',
    });
  }
  return assets;
}

let bundled: ReadonlyMap<string, DashboardAsset> | undefined;

/** The bundle `npm run build` wrote to dist/dashboard/, seen from this module's compiled file (dist/src/dashboard/). */
export function bundledDashboard(): ReadonlyMap<string, DashboardAsset> {
  return (bundled ??= loadDashboardAssets(path.resolve(__dirname, '..', '..', 'dashboard')));
}
