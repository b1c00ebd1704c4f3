import { encodeOnnxModel } from './onnx/encodeOnnxModel';
import type { LogisticModel } from './trainLogistic';

export interface LogisticOnnxOptions {
  readonly inputName?: string;
  readonly producerVersion?: string;
  readonly docString?: string;
}

/**
 * A logistic model as an ONNX graph (opset 13, tensor outputs only): `input` float32 [N,F] →
 * Cast(float64) → MatMul(W [F,K]) → Add(b [K]) → logits; `probabilities` float32 [N,K] = Softmax(logits);
 * `label` int64 [N] = ArgMax(logits), the class index (the first on a tie). The class labels are in the
 * metadata as `classes` (a JSON array, index k = label k). The arithmetic is in float64, as in
 * linearModelToOnnx, so that probabilities match the TypeScript model to float32 rounding.
 */
export function logisticModelToOnnx(model: LogisticModel, options: LogisticOnnxOptions = {}): Uint8Array {
  const inputName = options.inputName ?? 'input';
  const classCount = model.intercepts.length;
  const featureCount = model.weights.length / classCount;
  return encodeOnnxModel({
    opsets: [{ domain: '', version: 13 }],
    producerName: 'durable-scoring',
    producerVersion: options.producerVersion,
    docString: options.docString,
    metadata: { classes: JSON.stringify(model.classes) },
    graph: {
      name: 'logistic_model',
      nodes: [
        {
          opType: 'Cast',
          inputs: [inputName],
          outputs: ['features64'],
          name: 'cast_input',
          attributes: [{ name: 'to', int: 11 }],
        },
        { opType: 'MatMul', inputs: ['features64', 'weights'], outputs: ['weighted'], name: 'matmul' },
        { opType: 'Add', inputs: ['weighted', 'intercepts'], outputs: ['logits'], name: 'add_intercepts' },
        {
          opType: 'Softmax',
          inputs: ['logits'],
          outputs: ['probabilities64'],
          name: 'softmax',
          attributes: [{ name: 'axis', int: 1 }],
        },
        {
          opType: 'Cast',
          inputs: ['probabilities64'],
          outputs: ['probabilities'],
          name: 'cast_probabilities',
          attributes: [{ name: 'to', int: 1 }],
        },
        {
          opType: 'ArgMax',
          inputs: ['logits'],
          outputs: ['label'],
          name: 'argmax',
          attributes: [
            { name: 'axis', int: 1 },
            { name: 'keepdims', int: 0 },
          ],
        },
      ],
      initializers: [
        { name: 'weights', dims: [featureCount, classCount], data: Float64Array.from(model.weights) },
        { name: 'intercepts', dims: [classCount], data: Float64Array.from(model.intercepts) },
      ],
      inputs: [{ name: inputName, type: { tensor: 'float32', shape: ['N', featureCount] } }],
      outputs: [
        { name: 'label', type: { tensor: 'int64', shape: ['N'] } },
        { name: 'probabilities', type: { tensor: 'float32', shape: ['N', classCount] } },
      ],
    },
  });
}
