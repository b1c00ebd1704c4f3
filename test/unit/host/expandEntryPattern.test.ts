import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expandEntryPattern } from '../../../src/host/app/loadAppFolder';

// package.json `main` as the Node worker expands it: globs over the app folder's files, sorted.

const app = mkdtempSync(path.join(os.tmpdir(), 'entry-pattern-'));
const files = [
  'dist/functions/b.js',
  'dist/functions/a.js',
  'dist/functions/a.js.map',
  'dist/src/x/c.js',
  'main.js',
];
for (const file of files) {
  mkdirSync(path.dirname(path.join(app, file)), { recursive: true });
  writeFileSync(path.join(app, file), '');
}
mkdirSync(path.join(app, 'dist/functions/folder.js'));
afterAll(() => rmSync(app, { recursive: true, force: true }));

const relative = (pattern: string) =>
  expandEntryPattern(app, pattern).map((file) => path.relative(app, file));

describe('expandEntryPattern', () => {
  it.each([
    ['main.js', ['main.js']],
    ['dist/functions/*.js', ['dist/functions/a.js', 'dist/functions/b.js']],
    ['dist/**/*.js', ['dist/functions/a.js', 'dist/functions/b.js', 'dist/src/x/c.js']],
    ['{main,dist/src/x/c}.js', ['dist/src/x/c.js', 'main.js']],
    ['dist/nothing/*.js', []],
  ])('%s', (pattern, files) => {
    expect(relative(pattern)).toEqual(files);
  });
});
