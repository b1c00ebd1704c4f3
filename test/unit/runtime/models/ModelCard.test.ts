import { ValidationError } from '../../../../src/errors';
import { formatModelCard } from '../../../../src/runtime/models/formatModelCard';
import { parseModelCard } from '../../../../src/runtime/models/ModelCard';
import { formatModelRef, parseModelRef } from '../../../../src/runtime/models/ModelRef';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const minimal = { name: 'diabetes', version: 3 };

describe('parseModelCard', () => {
  it('fills defaults and keeps fields it does not know (a registry may add them)', () => {
    const card = parseModelCard({ ...minimal, parentVersion: 2, promotion: { by: 'policy' } }, 'model.json');
    expect(card).toEqual({
      ...minimal,
      tags: {},
      metrics: {},
      parentVersion: 2,
      promotion: { by: 'policy' },
    });
  });

  it('accepts a full card', () => {
    const card = {
      ...minimal,
      description: 'd',
      inputs: [{ name: 'a', columns: ['x', 'y'] }],
      outputs: ['label', 'probabilities'],
      tags: { store: '2' },
      metrics: { r2: 0.5 },
      training: { data: 'data/x.csv', rows: 10 },
      task: 'classification',
      stage: 'production',
      sha256: 'a'.repeat(64),
      createdAt: '2026-01-02T03:04:05.000Z',
    };
    expect(parseModelCard(card, 'model.json')).toEqual(card);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['no name', { version: 1 }, 'name', 'Model card m/model.json: field "name": '],
    ['a name with a slash', { ...minimal, name: '../etc' }, 'name', 'letters, digits'],
    ['a version that is not an integer', { ...minimal, version: 1.5 }, 'version', 'field "version"'],
    ['version 0', { ...minimal, version: 0 }, 'version', 'field "version"'],
    ['an empty feature list', { ...minimal, features: [] }, 'features', 'field "features"'],
    [
      'a feature that is not a string',
      { ...minimal, features: ['a', 3] },
      'features.1',
      'field "features.1"',
    ],
    [
      'both features and inputs',
      { ...minimal, features: ['a'], inputs: [{ name: 'x', columns: ['a'] }] },
      'inputs',
      'not both',
    ],
    [
      'an input without columns',
      { ...minimal, inputs: [{ name: 'x' }] },
      'inputs.0.columns',
      'field "inputs.0.columns"',
    ],
    ['a non-string tag', { ...minimal, tags: { store: 2 } }, 'tags.store', 'field "tags.store"'],
    ['a non-numeric metric', { ...minimal, metrics: { r2: 'high' } }, 'metrics.r2', 'field "metrics.r2"'],
    ['an unknown task', { ...minimal, task: 'ranking' }, 'task', 'field "task"'],
    ['an upper-case sha256', { ...minimal, sha256: 'A'.repeat(64) }, 'sha256', 'lower-case hex SHA-256'],
    ['a createdAt that is not ISO', { ...minimal, createdAt: 'yesterday' }, 'createdAt', 'field "createdAt"'],
    [
      'training rows negative',
      { ...minimal, training: { data: 'x', rows: -1 } },
      'training.rows',
      'field "training.rows"',
    ],
  ])('rejects %s with a ValidationError naming the field', (_case, value, field, message) => {
    let error: unknown;
    try {
      parseModelCard(value, 'm/model.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain(message);
    expect((error as ValidationError).details).toEqual({ file: 'm/model.json', field });
  });
});

describe('formatModelCard', () => {
  it.each([
    [
      'features, a long output list, metrics and training',
      {
        features: ['age', 'sex', 'bmi'],
        outputs: Array.from({ length: 12 }, (_, i) => `a_rather_long_output_name_${i}`),
        metrics: { r2: 0.51 },
        training: { data: 'data/diabetes.csv', rows: 442 },
      },
    ],
    [
      'named inputs and empty tags',
      {
        inputs: [
          { name: 'a', columns: ['x', 'y'] },
          { name: 'b', columns: ['z'] },
        ],
      },
    ],
  ])('lays out a card with %s as Prettier does', (_case, fields) => {
    const card = parseModelCard({ ...minimal, ...fields }, 'model.json');
    const text = formatModelCard(card);
    // Prettier's API needs ESM, which jest does not load: ask its CLI, with the repository's settings.
    const root = path.join(__dirname, '../../../..');
    const prettier = path.join(root, 'node_modules/prettier/bin/prettier.cjs');
    const formatted = execFileSync(process.execPath, [prettier, '--stdin-filepath', 'models/x/model.json'], {
      cwd: root,
      input: text,
      encoding: 'utf8',
    });
    expect(text).toBe(formatted);
    expect(JSON.parse(text)).toEqual(card);
  });
});

describe('parseModelRef', () => {
  it.each([
    ['diabetes', { name: 'diabetes' }],
    ['diabetes@7', { name: 'diabetes', version: 7 }],
    ['diabetes@production', { name: 'diabetes', stage: 'production' }],
    ['oj.store-2_tropicana@12', { name: 'oj.store-2_tropicana', version: 12 }],
    ['diabetes@Staging', { name: 'diabetes', stage: 'Staging' }],
    ['diabetes@latest', { name: 'diabetes', stage: 'latest' }],
  ])('parses %s', (text, ref) => {
    expect(parseModelRef(text)).toEqual(ref);
    expect(formatModelRef(ref)).toBe(text);
  });

  it.each([
    ['', /the name must be letters/],
    ['../x', /the name must be letters/],
    ['a/b', /the name must be letters/],
    ['m@0', /after "@" give a version/],
    ['m@', /after "@" give a version/],
    ['m@1.5', /after "@" give a version/],
    ['m@prod uction', /after "@" give a version/],
    ['m@canary', /after "@" give a version \(a positive integer\), latest, production or staging$/],
    ['m@archived', /after "@" give a version/],
    ['m@123456789012345678901234567890', /after "@" give a version/],
    [
      `${'m'.repeat(129)}@1`,
      /^Model reference "m{40}\.\.\.": the name must be .*\(at most 128 characters\)$/,
    ],
  ])('rejects "%s" with a ValidationError on the model field', (text, message) => {
    expect(() => parseModelRef(text)).toThrow(ValidationError);
    expect(() => parseModelRef(text)).toThrow(message);
    try {
      parseModelRef(text, 'spec.model');
    } catch (error) {
      expect((error as ValidationError).details).toEqual({ field: 'spec.model' });
    }
  });
});
