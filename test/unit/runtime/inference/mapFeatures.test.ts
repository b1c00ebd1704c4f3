import { ValidationError } from '../../../../src/errors';
import { parseModelCard, type ModelCard } from '../../../../src/runtime/models/ModelCard';
import { mapFeatures } from '../../../../src/runtime/inference/mapFeatures';
import type { ModelSignature, ValueSignature } from '../../../../src/runtime/inference/readModelSignature';

const tensor = (name: string, shape: (number | string)[], elementType = 'float32'): ValueSignature => ({
  name,
  isTensor: true,
  elementType,
  shape,
});
const signature = (
  inputs: ValueSignature[],
  outputs: ValueSignature[] = [tensor('y', ['?', 1])],
): ModelSignature => ({
  model: 'm',
  inputs,
  outputs,
});
const card = (fields: Record<string, unknown> = {}): ModelCard =>
  parseModelCard({ name: 'm', version: 1, ...fields }, 'model.json');

const diabetes = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'];

describe('mapFeatures: one [N,F] input', () => {
  it('takes the card features in card order', () => {
    const mapping = mapFeatures(
      signature([tensor('input', ['N', 3])]),
      card({ features: ['s6', 'age', 'bmi'] }),
      ['id', ...diabetes],
      diabetes,
    );
    expect(mapping.featureColumns).toEqual(['s6', 'age', 'bmi']);
    expect(mapping.inputs).toEqual([
      {
        name: 'input',
        columns: ['s6', 'age', 'bmi'],
        featureIndexes: [0, 1, 2],
        rowShape: [3],
        elementType: 'float32',
        batchSize: undefined,
      },
    ]);
    expect(mapping.outputs).toEqual([{ name: 'y', elementType: 'float32' }]);
    expect(mapping.notes).toEqual([]);
  });

  it('feeds a card feature whose first values are not numbers, noting that its bad rows are reported', () => {
    const mapping = mapFeatures(
      signature([tensor('input', ['N', 3])]),
      card({ features: ['a', 'name', 'c'] }),
      ['a', 'name', 'c'],
      ['a', 'c'],
    );
    expect(mapping.featureColumns).toEqual(['a', 'name', 'c']);
    expect(mapping.notes).toEqual([
      'Model "m" input "input": column(s) name held mostly values that are not numbers in the first rows; rows whose value is not a number are reported in _errors.jsonl',
    ]);
  });

  it('without a card takes the first F numeric columns and notes the ones left over', () => {
    const mapping = mapFeatures(
      signature([tensor('input', ['?', 10])]),
      undefined,
      ['id', ...diabetes, 'target'],
      [...diabetes, 'target'],
    );
    expect(mapping.featureColumns).toEqual(diabetes);
    expect(mapping.notes).toEqual(['Numeric column(s) not fed to model "m": target']);
  });

  it('with a symbolic feature dim takes every numeric column', () => {
    const mapping = mapFeatures(
      signature([tensor('input', ['N', 'F'])]),
      undefined,
      ['a', 'b', 'c'],
      ['a', 'c'],
    );
    expect(mapping.inputs[0]).toMatchObject({ columns: ['a', 'c'], rowShape: [2] });
  });

  it('keeps a fixed batch size and the row shape of higher-rank inputs', () => {
    expect(
      mapFeatures(signature([tensor('x', [1, 3])]), undefined, ['a', 'b', 'c'], ['a', 'b', 'c']).inputs[0],
    ).toMatchObject({
      batchSize: 1,
      rowShape: [3],
    });
    const columns = ['a', 'b', 'c', 'd'];
    expect(
      mapFeatures(signature([tensor('x', ['N', 2, 2])]), undefined, columns, columns).inputs[0],
    ).toMatchObject({
      batchSize: undefined,
      rowShape: [2, 2],
    });
    expect(mapFeatures(signature([tensor('x', ['N'])]), undefined, columns, columns).inputs[0]).toMatchObject(
      {
        columns: ['a'],
        rowShape: [],
      },
    );
  });

  it('skips non-tensor and string outputs with a note, and fetches only the card outputs when listed', () => {
    const outputs = [
      tensor('label', ['?'], 'int64'),
      tensor('probabilities', ['?', 3]),
      { name: 'output_probability', isTensor: false, shape: [] },
      tensor('class_name', ['?'], 'string'),
    ];
    const sig = signature([tensor('x', ['?', 2])], outputs);
    const mapping = mapFeatures(sig, undefined, ['a', 'b'], ['a', 'b']);
    expect(mapping.outputs.map((o) => o.name)).toEqual(['label', 'probabilities']);
    expect(mapping.notes).toEqual([
      'Output "output_probability" of model "m" skipped: not a tensor (e.g. a ZipMap of class probabilities), which onnxruntime-node cannot return',
      'Output "class_name" of model "m" skipped: element type string is not numeric',
    ]);
    expect(mapFeatures(sig, card({ outputs: ['probabilities'] }), ['a', 'b'], ['a', 'b']).outputs).toEqual([
      { name: 'probabilities', elementType: 'float32' },
    ]);
  });
});

describe('mapFeatures: several named inputs', () => {
  it('maps each input from the card, sharing columns once in featureColumns', () => {
    const mapping = mapFeatures(
      signature([tensor('a', ['N', 2]), tensor('b', ['N', 2], 'float64')]),
      card({
        inputs: [
          { name: 'b', columns: ['z', 'x'] },
          { name: 'a', columns: ['x', 'y'] },
        ],
      }),
      ['x', 'y', 'z'],
      ['x', 'y', 'z'],
    );
    expect(mapping.featureColumns).toEqual(['x', 'y', 'z']);
    expect(mapping.inputs.map((i) => [i.name, i.columns, i.featureIndexes, i.elementType])).toEqual([
      ['a', ['x', 'y'], [0, 1], 'float32'],
      ['b', ['z', 'x'], [2, 0], 'float64'],
    ]);
  });
});

describe('mapFeatures: bad mappings are ValidationErrors naming the field', () => {
  const one = signature([tensor('input', ['?', 3])]);
  const two = signature([tensor('a', ['?', 1]), tensor('b', ['?', 1])]);
  it.each<[string, ModelSignature, ModelCard | undefined, string[], string[], RegExp, string | undefined]>([
    [
      'too few numeric columns',
      one,
      undefined,
      ['id', 'a', 'b'],
      ['a', 'b'],
      /^Model "m" input "input" takes 3 features but the data has 2 numeric column\(s\); list the features in the model card$/,
      'features',
    ],
    [
      'card features missing from the data',
      one,
      card({ features: ['a', 'bmi', 's6'] }),
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
      /^Model "m" input "input" needs column\(s\) missing from the data: bmi, s6 \(the data has 3 columns\)$/,
      'bmi',
    ],
    [
      'card feature count against the input width',
      one,
      card({ features: ['a', 'b'] }),
      ['a', 'b'],
      ['a', 'b'],
      /^Model "m" input "input" takes 3 features but its card lists 2$/,
      'features',
    ],
    [
      'several inputs without card inputs',
      two,
      card({ features: ['a'] }),
      ['a'],
      ['a'],
      /^Model "m" has 2 inputs \(a, b\): its model card must map columns to each with "inputs"$/,
      'features',
    ],
    [
      'card inputs that do not match the model',
      two,
      card({
        inputs: [
          { name: 'a', columns: ['x'] },
          { name: 'c', columns: ['x'] },
        ],
      }),
      ['x'],
      ['x'],
      /^Model "m": inputs not in its card: b; card inputs the model lacks: c$/,
      'inputs',
    ],
    [
      'a string input',
      signature([tensor('text', ['?', 1], 'string')]),
      undefined,
      ['a'],
      ['a'],
      /^Model "m" input "text" is a string tensor; batch scoring feeds float, double, int32 or int64 tensors$/,
      'model',
    ],
    [
      'a dynamic inner dimension',
      signature([tensor('image', ['N', 3, 'H', 'W'])]),
      undefined,
      ['a'],
      ['a'],
      /^Model "m" input "image" has shape \[N, 3, H, W\]: only the batch dimension may be dynamic$/,
      'model',
    ],
    [
      'a card output that is a ZipMap',
      signature(
        [tensor('x', ['?', 1])],
        [{ name: 'output_probability', isTensor: false, shape: [] }, tensor('label', ['?'], 'int64')],
      ),
      card({ outputs: ['output_probability'] }),
      ['a'],
      ['a'],
      /^Model "m" card output "output_probability": not a tensor .* \(outputs: output_probability, label\)$/,
      'outputs',
    ],
    [
      'only non-tensor outputs',
      signature([tensor('x', ['?', 1])], [{ name: 'output_probability', isTensor: false, shape: [] }]),
      undefined,
      ['a'],
      ['a'],
      /^Model "m" has no numeric tensor output to fetch$/,
      'outputs',
    ],
  ])('%s', (_case, sig, modelCard, columns, numeric, message, field) => {
    let error: unknown;
    try {
      mapFeatures(sig, modelCard, columns, numeric);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(message);
    expect((error as ValidationError).details.field).toBe(field);
  });
});
