import { NotFoundError, ValidationError } from '../../../src/errors';
import type { ModelVersionInfo } from '../../../src/models/registry/registryRows';
import { rejection } from '../../support/rejection';
import { linearModel, testRegistry } from './registryTestKit';

// Resolving and listing by tags over more versions than one page of the tag index holds (1,000 rows):
// the answers must be the ones a scan of every version gives, whichever tag is the rarest.

const { registry } = testRegistry();
const name = 'stores';
const count = 1_230;
const brands = ['a', 'b', 'c'];
/** Like many-models keys: 334 stores × 3 brands (1,000 keys), plus a tag every version has. */
const tagsOf = (index: number) => ({
  store: String(Math.floor(index / 3)),
  brand: brands[index % 3]!,
  algorithm: 'ridge',
});
let all: ModelVersionInfo[];

/** What a scan of every version gives: those carrying all the tags, newest first. */
function scanned(tags: Record<string, string>, stage?: string): number[] {
  return all
    .filter(
      (v) =>
        (stage === undefined || v.stage === stage) && Object.entries(tags).every(([k, x]) => v.tags[k] === x),
    )
    .map((v) => v.version)
    .sort((a, b) => b - a);
}

beforeAll(async () => {
  // The first 1,230 − 1,000 versions again under the same keys: a key has one or two versions.
  const requests = Array.from({ length: count }, (_, index) => ({
    name,
    onnx: linearModel(index),
    card: { tags: tagsOf(index % 1_000) },
  }));
  for (let start = 0; start < count; start += 400)
    for (const outcome of await registry.registerAll(name, requests.slice(start, start + 400)))
      expect(outcome.status).toBe('fulfilled');
  await registry.setStage(name, 1_100, 'Production', { by: 'tester', reason: 'test' });
  all = (await registry.catalog(name)).versions;
  expect(all).toHaveLength(count);
}, 120_000);

describe('resolving by tags', () => {
  it.each<[string, Record<string, string>]>([
    ['a key (store × brand) with two versions', { store: '7', brand: 'b' }],
    ['a key with one version', { store: '200', brand: 'a' }],
    [
      'a key and the tag every version has (a range over more than one page)',
      { algorithm: 'ridge', store: '12', brand: 'a' },
    ],
    ['only the tag every version has', { algorithm: 'ridge' }],
    ['one brand (409 versions)', { brand: 'c' }],
  ])('%s: the newest version carrying all the tags', async (_what, tags) => {
    const want = scanned(tags);
    expect(want.length).toBeGreaterThan(0);
    const found = await registry.resolve({ name, tags });
    expect(found.version).toBe(want[0]);
    expect(found.tags).toMatchObject(tags);
  });

  it('with a stage: the newest carrying the tags in that stage', async () => {
    const tags = tagsOf((1_100 - 1) % 1_000);
    expect(await registry.resolve({ name, tags, stage: 'production' })).toMatchObject({ version: 1_100 });
  });

  it('a tag set no version carries is a NotFoundError naming it', async () => {
    const error = await rejection(registry.resolve({ name, tags: { store: '7', brand: 'z' } }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('Model "stores" has no version tagged store=7, brand=z.');
  });
});

describe('listing by tags (versionsTagged)', () => {
  it.each<[string, Record<string, string>]>([
    ['a key: point reads of its versions', { store: '7', brand: 'b' }],
    ['a store: the rarest tag of two', { store: '33', algorithm: 'ridge' }],
    ['a brand and the tag every version has: one range read', { brand: 'a', algorithm: 'ridge' }],
    ['the tag every version has', { algorithm: 'ridge' }],
    ['a tag no version has', { store: '999' }],
  ])('%s: the versions a scan finds, newest first', async (_what, tags) => {
    const listed = await registry.versionsTagged(name, tags);
    expect(listed.map((v) => v.version)).toEqual(scanned(tags));
  });

  it('in a stage', async () => {
    const listed = await registry.versionsTagged(name, { algorithm: 'ridge' }, 'Production');
    expect(listed.map((v) => v.version)).toEqual([1_100]);
  });

  it('refuses no tags, and an unknown model is a NotFoundError', async () => {
    expect(await rejection(registry.versionsTagged(name, {}))).toBeInstanceOf(ValidationError);
    const unknown = await rejection(registry.versionsTagged('no-such-model', { store: '1' }));
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect(unknown.message).toBe('Model "no-such-model" is not registered.');
  });
});
