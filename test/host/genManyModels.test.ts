import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// scripts/genManyModels.js as `npm run gen:many-models -- …` runs it: npm sets INIT_CWD to the folder
// the command was typed in and runs the script from the package's folder.

const script = path.resolve('scripts/genManyModels.js');
const work = mkdtempSync(path.join(os.tmpdir(), 'gen-many-models-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      { env: { ...process.env, INIT_CWD: work }, maxBuffer: 2 ** 24 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('npm run gen:many-models', () => {
  it('writes a named file in the folder it was run from, the same bytes as to stdout', async () => {
    const toFile = await run(['--series', '30', '--rows', '600', '--seed', '7']);
    expect(toFile.code).toBe(0);
    const file = path.join(work, 'sales-30x600-seed7.csv');
    expect(toFile.stderr).toContain(`Wrote 600 rows (30 series,`);
    expect(toFile.stderr).toContain(`to ${file} `);
    expect(readdirSync(work)).toEqual(['sales-30x600-seed7.csv']);
    const text = readFileSync(file, 'utf8');
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(601);
    expect(lines[0]).toMatch(/^WeekStarting,Store,Brand,Quantity,Advert,Price,/);
    expect(new Set(lines.slice(1).map((line) => line.split(',').slice(1, 3).join('|'))).size).toBe(30);

    const toStdout = await run(['--series', '30', '--rows', '600', '--seed', '7', '--out', '-']);
    expect(toStdout.code).toBe(0);
    expect(toStdout.stdout).toBe(text);
    const otherSeed = await run(['--series', '30', '--rows', '600', '--seed', '8', '--out', '-']);
    expect(otherSeed.stdout).not.toBe(text);
  });

  it('counts only the series that got rows, and resolves --out against the folder it was run from', async () => {
    const result = await run(['--series', '10', '--rows', '5', '--out', 'few.csv']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Wrote 5 rows (5 series,');
    expect(readFileSync(path.join(work, 'few.csv'), 'utf8').trim().split('\n')).toHaveLength(6);
    expect(existsSync(path.join(work, 'few.csv.partial'))).toBe(false);
  });

  it('refuses a bad count without writing anything', async () => {
    const result = await run(['--series', 'ten', '--out', 'bad.csv']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("option '--series <n>' argument 'ten' is invalid");
    expect(existsSync(path.join(work, 'bad.csv'))).toBe(false);
  });
});
