import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ModelHandle } from '../../../../src/runtime/inference/InferencePool';
import { encodeOnnxModel, type OnnxModelSpec } from '../../../../src/training/onnx/encodeOnnxModel';

export const fixturesDir = path.join(__dirname, '../../../fixtures/models');

/** A model from test/fixtures/models as the pool takes it. */
export function fixtureModel(folder: string, file = 'model.onnx'): ModelHandle {
  const onnx = readFileSync(path.join(fixturesDir, folder, file));
  return handle(folder, onnx);
}

export function handle(name: string, onnx: Uint8Array): ModelHandle {
  return { key: createHash('sha256').update(onnx).digest('hex'), name, onnx };
}

/** io.json of a fixture: tensors with dtype, shape and data. */
export function fixtureIo(
  folder: string,
): Record<string, { dtype: string; shape: number[]; data: number[] }> {
  return JSON.parse(readFileSync(path.join(fixturesDir, folder, 'io.json'), 'utf8')) as ReturnType<
    typeof fixtureIo
  >;
}

const onnxOpset = { domain: '', version: 13 };

function model(name: string, graph: OnnxModelSpec['graph'], opsets = [onnxOpset]): ModelHandle {
  return handle(name, encodeOnnxModel({ opsets, producerName: 'durable-scoring tests', graph }));
}

/** `x` float32 [batch, 3] → `y` = x · [1, 10, 100] + 0.5, float32 [batch, 1]; batch fixed when a number. */
export function weightedSumModel(batch: number | string = 'N'): ModelHandle {
  return model(`weighted-sum-${batch}`, {
    name: 'weighted_sum',
    nodes: [
      { opType: 'MatMul', inputs: ['x', 'w'], outputs: ['xw'] },
      { opType: 'Add', inputs: ['xw', 'b'], outputs: ['y'] },
    ],
    initializers: [
      { name: 'w', dims: [3, 1], data: Float32Array.of(1, 10, 100) },
      { name: 'b', dims: [1], data: Float32Array.of(0.5) },
    ],
    inputs: [{ name: 'x', type: { tensor: 'float32', shape: [batch, 3] } }],
    outputs: [{ name: 'y', type: { tensor: 'float32', shape: [batch, 1] } }],
  });
}

/** Inputs `a` float32 [N,2] and `b` float64 [N,1] → `y` float64 [N,1] = a₀ + 2·a₁ + 1000·b. */
export function twoInputModel(): ModelHandle {
  return model('two-inputs', {
    name: 'two_inputs',
    nodes: [
      { opType: 'Cast', inputs: ['a'], outputs: ['a64'], attributes: [{ name: 'to', int: 11 }] },
      { opType: 'MatMul', inputs: ['a64', 'wa'], outputs: ['aw'] },
      { opType: 'Mul', inputs: ['b', 'wb'], outputs: ['bw'] },
      { opType: 'Add', inputs: ['aw', 'bw'], outputs: ['y'] },
    ],
    initializers: [
      { name: 'wa', dims: [2, 1], data: Float64Array.of(1, 2) },
      { name: 'wb', dims: [1], data: Float64Array.of(1000) },
    ],
    inputs: [
      { name: 'a', type: { tensor: 'float32', shape: ['N', 2] } },
      { name: 'b', type: { tensor: 'float64', shape: ['N', 1] } },
    ],
    outputs: [{ name: 'y', type: { tensor: 'float64', shape: ['N', 1] } }],
  });
}

/**
 * A classifier shaped like scikit-learn's converters: `x` [N,3] → `label` int64 [N] (argmax),
 * `probabilities` float32 [N,3] (softmax) and `output_probability`, a ZipMap seq(map(int64, float)).
 */
export function zipMapClassifierModel(): ModelHandle {
  return model(
    'zipmap-classifier',
    {
      name: 'zipmap_classifier',
      nodes: [
        {
          opType: 'Softmax',
          inputs: ['x'],
          outputs: ['probabilities'],
          attributes: [{ name: 'axis', int: 1 }],
        },
        {
          opType: 'ArgMax',
          inputs: ['x'],
          outputs: ['label'],
          attributes: [
            { name: 'axis', int: 1 },
            { name: 'keepdims', int: 0 },
          ],
        },
        {
          opType: 'ZipMap',
          domain: 'ai.onnx.ml',
          inputs: ['probabilities'],
          outputs: ['output_probability'],
          attributes: [{ name: 'classlabels_int64s', ints: [0, 1, 2] }],
        },
      ],
      inputs: [{ name: 'x', type: { tensor: 'float32', shape: ['N', 3] } }],
      outputs: [
        { name: 'label', type: { tensor: 'int64', shape: ['N'] } },
        { name: 'probabilities', type: { tensor: 'float32', shape: ['N', 3] } },
        {
          name: 'output_probability',
          type: { sequence: { map: { key: 'int64', value: { tensor: 'float32' } } } },
        },
      ],
    },
    [onnxOpset, { domain: 'ai.onnx.ml', version: 1 }],
  );
}
