import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleRangeAllowsMajor, parseBundleRange } from '../../../src/host/app/ExtensionBundle';
import { loadAppFolder } from '../../../src/host/app/loadAppFolder';
import { extensionBundleNote } from '../../../src/host/extensions/extensionBundleNote';
import type { AppFunction, ResolvedBinding } from '../../../src/host/HostExtension';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const app = mkdtempSync(path.join(os.tmpdir(), 'extension-bundle-'));
writeFileSync(path.join(app, 'package.json'), JSON.stringify({ main: 'index.js' }));
writeFileSync(path.join(app, 'index.js'), '');
afterAll(() => rmSync(app, { recursive: true, force: true }));

function loadWithBundle(extensionBundle: unknown) {
  writeFileSync(path.join(app, 'host.json'), JSON.stringify({ version: '2.0', extensionBundle }));
  return loadAppFolder(app);
}

describe('host.json extensionBundle', () => {
  it("the app's own host.json passes the host's validation and names the 4.x bundle", () => {
    const { hostJson } = loadAppFolder(repoRoot);
    expect(hostJson.extensionBundle).toEqual({
      id: 'Microsoft.Azure.Functions.ExtensionBundle',
      version: '[4.*, 5.0.0)',
    });
    expect(bundleRangeAllowsMajor(parseBundleRange(hostJson.extensionBundle!.version)!, 4)).toBe(true);
  });

  it.each<[string, number[], boolean, number[] | undefined, boolean | undefined]>([
    ['[4.*, 5.0.0)', [4, 0, 0], true, [5, 0, 0], false],
    ['[4.29.0, 5.0.0]', [4, 29, 0], true, [5, 0, 0], true],
    ['(3.0.0, )', [3, 0, 0], false, undefined, undefined],
    ['[4.2.0]', [4, 2, 0], true, [4, 2, 0], true],
    ['4.2', [4, 2, 0], true, undefined, undefined],
  ])('reads %s as NuGet interval notation', (text, min, minInclusive, max, maxInclusive) => {
    const range = parseBundleRange(text);
    expect(range?.min).toEqual({ version: min, inclusive: minInclusive });
    expect(range?.max).toEqual(max && { version: max, inclusive: maxInclusive });
  });

  it.each([
    ['[4.*, 5.0.0)', 4, true],
    ['[4.*, 5.0.0)', 5, false],
    ['[3.*, 4.0.0)', 4, false],
    ['[3.*, 4.0.0]', 4, true],
    ['[4.29.0, 5.0.0)', 4, true],
    ['(3.0.0, )', 4, true],
    ['[5.0.0, 6.0.0)', 4, false],
  ])('%s admits a bundle of major version %i: %s', (text, major, allowed) => {
    expect(bundleRangeAllowsMajor(parseBundleRange(text)!, major)).toBe(allowed);
  });

  it.each([
    [
      { id: 'Microsoft.Azure.Functions.ExtensionBundle.Preview', version: '[4.*, 5.0.0)' },
      'Microsoft.Azure.Functions.ExtensionBundle.Preview',
    ],
    [{ id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.0.0, 5.0.0)' }, '[4.0.0, 5.0.0)'],
  ])('accepts %j', (bundle, shown) => {
    expect(JSON.stringify(loadWithBundle(bundle).hostJson.extensionBundle)).toContain(shown);
  });

  it.each([
    [
      { id: 'Contoso.Bundle', version: '[4.*, 5.0.0)' },
      /host\.json: extensionBundle\.id: extensionBundle\.id must be one of Microsoft\.Azure\.Functions\.ExtensionBundle, /,
    ],
    [
      { id: 'Microsoft.Azure.Functions.ExtensionBundle', version: 'latest' },
      /host\.json: extensionBundle\.version: extensionBundle\.version must be a version range such as "\[4\.\*, 5\.0\.0\)"/,
    ],
    [
      { id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0' },
      /extensionBundle\.version must be a version range/,
    ],
    [{ id: 'Microsoft.Azure.Functions.ExtensionBundle' }, /host\.json: extensionBundle\.version: /],
  ])('refuses %j, naming the field', (bundle, message) => {
    expect(() => loadWithBundle(bundle)).toThrow(message);
  });
});

function fn(name: string, ...types: string[]): AppFunction {
  const [trigger, ...others] = types.map((type, index): ResolvedBinding => ({ name: `b${index}`, type }));
  return { name, trigger: trigger!, inputs: others, outputs: [] } as unknown as AppFunction;
}

describe('extensionBundleNote: the start-up line on the bundle', () => {
  it('with a bundle: one line saying nothing is downloaded', () => {
    const note = extensionBundleNote(
      { id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0)' },
      [fn('onBlob', 'blobTrigger')],
    );
    expect(note).toEqual({
      level: 'info',
      message:
        'Extension bundle Microsoft.Azure.Functions.ExtensionBundle [4.*, 5.0.0) (host.json) is for Azure and Core Tools; this host downloads nothing: its own extensions serve the bindings.',
    });
  });

  it('without a bundle, HTTP and timer functions need none: no line', () => {
    expect(extensionBundleNote(undefined, [fn('a', 'httpTrigger', 'http'), fn('b', 'timerTrigger')])).toBe(
      undefined,
    );
  });

  it('without a bundle, warns which binding types and functions would be lost on Azure', () => {
    const functions = [
      fn('api', 'httpTrigger', 'http', 'durableClient'),
      fn('onBlob', 'blobTrigger', 'queue'),
      ...['a1', 'a2', 'a3', 'a4', 'a5'].map((name) => fn(name, 'activityTrigger')),
    ];
    expect(extensionBundleNote(undefined, functions)).toEqual({
      level: 'warn',
      message:
        'host.json has no extensionBundle: on Azure and under Core Tools the binding types activityTrigger, blobTrigger, durableClient, queue would not be registered, so api, onBlob, a1, a2, a3 and 2 more would not run. Add "extensionBundle": { "id": "Microsoft.Azure.Functions.ExtensionBundle", "version": "[4.*, 5.0.0)" } to host.json.',
    });
  });
});
