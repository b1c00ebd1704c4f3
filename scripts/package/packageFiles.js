// What goes into the deployable package: the app's files (the project folder less what .funcignore
// names, as Core Tools reads it) and the production dependencies npm installed, each package copied
// from node_modules without its development-only neighbours.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/**
 * The anchored patterns of .funcignore: `/dir/` ignores a folder, `/file` one file.
 * @returns {(relative: string, isDirectory: boolean) => boolean}
 */
function funcIgnore(root) {
  const patterns = fs
    .readFileSync(path.join(root, '.funcignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  for (const pattern of patterns)
    if (!/^\/[\w.-]+(\/[\w.-]+)*\/?$/.test(pattern))
      throw new Error(`.funcignore: "${pattern}" is not an anchored path (/dir/ or /file).`);
  return (relative, isDirectory) =>
    patterns.some((pattern) =>
      pattern.endsWith('/') ? `/${relative}/`.startsWith(pattern) && isDirectory : `/${relative}` === pattern,
    );
}

/** Files under `dir` (following links), as paths relative to `base`; `skip` prunes entries. */
function listFiles(base, dir, skip) {
  const files = [];
  for (const entry of fs.readdirSync(path.join(base, dir)).sort()) {
    const relative = dir ? `${dir}/${entry}` : entry;
    const stat = fs.statSync(path.join(base, relative), { throwIfNoEntry: false });
    if (!stat || skip(relative, stat.isDirectory())) continue;
    if (stat.isDirectory()) files.push(...listFiles(base, relative, skip));
    else if (stat.isFile()) files.push(relative);
  }
  return files;
}

/**
 * The app's own files: everything but what .funcignore names, node_modules (the production closure is
 * added on its own) and .git (a folder in a clone, a file in a worktree).
 */
function appFiles(root) {
  const ignored = funcIgnore(root);
  return listFiles(
    root,
    '',
    (relative, isDirectory) => ['node_modules', '.git'].includes(relative) || ignored(relative, isDirectory),
  );
}

/** The folders (relative to root) of every package in the production closure, as npm resolved it. */
function productionPackages(root) {
  const output = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const modules = path.join(root, 'node_modules') + path.sep;
  return [...new Set(output.split('\n').filter((line) => line.startsWith(modules)))]
    .map((folder) => path.relative(root, folder).split(path.sep).join('/'))
    .sort();
}

/**
 * Platform binaries a package ships for every system, of which a Linux x64 Function App (or whatever
 * system packages the app) loads one: the others are left out.
 */
const platformFolders = [/^node_modules\/onnxruntime-node\/bin\/napi-v\d+\/([^/]+)\/([^/]+)\//];

function otherPlatform(relative, platform, arch) {
  return platformFolders.some((pattern) => {
    const match = pattern.exec(relative);
    return match !== null && (match[1] !== platform || match[2] !== arch);
  });
}

/** What a package ships for its developers and readers, never loaded when the app runs. */
const forDevelopers = /(\.d\.[cm]?ts|\.map|\/(README|CHANGELOG|HISTORY)\.md)$/i;

/**
 * Every file of the production packages, without their nested node_modules (listed on their own),
 * type declarations, source maps, read-me and change logs, and other systems' binaries.
 */
function dependencyFiles(root, { platform = process.platform, arch = process.arch } = {}) {
  const files = [];
  for (const folder of productionPackages(root))
    for (const file of listFiles(root, folder, (relative) => relative === `${folder}/node_modules`))
      if (!forDevelopers.test(file) && !otherPlatform(file, platform, arch)) files.push(file);
  return files;
}

module.exports = { appFiles, dependencyFiles, funcIgnore };
