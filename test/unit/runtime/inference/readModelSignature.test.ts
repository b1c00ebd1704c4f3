import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../../../../src/errors';
import { readModelSignature } from '../../../../src/runtime/inference/readModelSignature';
import {
  fixtureModel,
  fixturesDir,
  twoInputModel,
  weightedSumModel,
  zipMapClassifierModel,
} from './testModels';

describe('readModelSignature', () => {
  it('reads the inputs and outputs of a real classifier, unnamed dynamic dims as "?"', async () => {
    const { onnx } = fixtureModel('xgboost_classifier_tree');
    await expect(readModelSignature(onnx, 'wine')).resolves.toEqual({
      model: 'wine',
      inputs: [{ name: 'input', isTensor: true, elementType: 'float32', shape: ['?', 13] }],
      outputs: [
        { name: 'label', isTensor: true, elementType: 'int64', shape: ['?'] },
        { name: 'probabilities', isTensor: true, elementType: 'float32', shape: ['?', 3] },
      ],
    });
  });

  it('keeps symbolic dimension names', async () => {
    const signature = await readModelSignature(fixtureModel('lgbm_regressor_tensor').onnx, 'lgbm');
    expect(signature.inputs[0]?.shape).toEqual(['batch', 13]);
    expect(signature.outputs[0]?.shape).toEqual(['batch', 1]);
  });

  it('reports fixed batch dims, several inputs and non-tensor (ZipMap) outputs', async () => {
    expect((await readModelSignature(weightedSumModel(1).onnx, 'w')).inputs[0]?.shape).toEqual([1, 3]);
    const twoInputs = await readModelSignature(twoInputModel().onnx, 'two');
    expect(twoInputs.inputs.map((i) => [i.name, i.elementType])).toEqual([
      ['a', 'float32'],
      ['b', 'float64'],
    ]);
    const classifier = await readModelSignature(zipMapClassifierModel().onnx, 'zip');
    expect(classifier.outputs[2]).toEqual({ name: 'output_probability', isTensor: false, shape: [] });
  });

  it.each([
    [
      'a model needing custom ops',
      readFileSync(path.join(fixturesDir, 'negative/superres_prepost_op18.onnx')),
      /^Model "superres" cannot be loaded by onnxruntime: .*DecodeImage.* is not a registered function\/op/,
    ],
    [
      'bytes that are not a model',
      Buffer.from('not an onnx model'),
      /^Model "superres" cannot be loaded .*protobuf parsing failed/,
    ],
  ])('gives a ValidationError with the reason for %s', async (_case, onnx, message) => {
    const error: unknown = await readModelSignature(onnx, 'superres').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(message);
    expect((error as ValidationError).details).toEqual({ field: 'model' });
  });
});
