import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Stack frames as V8 writes them: "    at handler (/srv/app/functions/x.js:26:11)".
const stackFrame = /^[ \t]*at [^\n]*(?:\n|$)/gm;
// Absolute paths under the folders servers keep code and data in, POSIX or Windows; a URL's path
// (after "host:port") is left alone.
const serverPath =
  /(?<![\w:/.])(?:file:\/\/)?(?:\/(?:home|root|usr|opt|srv|var|tmp|etc|mnt|media|work|workspace|workspaces|Users|private|app|data|snap|nix)(?:\/[^\s'"`()<>,;]*)?|[A-Za-z]:\\[^\s'"`()<>,;]*)/g;

let roots: readonly string[] | undefined;

/** The folders of this machine that an error text may name: where the host runs from and is installed. */
function serverRoots(): readonly string[] {
  roots ??= [process.cwd(), packageRoot(__dirname), dependenciesRoot(), os.homedir(), os.tmpdir()]
    .filter((root): root is string => root !== undefined && root.length > 1)
    .sort((a, b) => b.length - a.length);
  return roots;
}

function packageRoot(from: string): string | undefined {
  for (let folder = from; folder !== path.dirname(folder); folder = path.dirname(folder)) {
    if (existsSync(path.join(folder, 'package.json'))) return folder;
  }
  return undefined;
}

// Where the installed packages really are (node_modules may be a link to another checkout).
function dependenciesRoot(): string | undefined {
  const resolved = require.resolve('@azure/functions/package.json');
  const index = resolved.lastIndexOf(`${path.sep}node_modules${path.sep}`);
  return index > 0 ? resolved.slice(0, index) : undefined;
}

/**
 * An error text fit for a response body: stack frames dropped and the host machine's folders cut from
 * any path (`/srv/app/functions/x.js` becomes `…/x.js`). The full text belongs in the host's log.
 */
export function publicErrorText(text: string): string {
  let result = text.replace(stackFrame, '');
  for (const root of serverRoots()) result = result.split(root).join('…');
  result = result.replace(serverPath, (found) => `…/${path.basename(found.replace(/\\/g, '/'))}`);
  result = result.replace(/…(?:[\\/][^\s'"`()<>,;\\/]+)*[\\/]([^\s'"`()<>,;\\/]+)/g, '…/$1');
  return result.replace(/\s+$/, '');
}
