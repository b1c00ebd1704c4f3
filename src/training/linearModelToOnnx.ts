import type { LinearModel } from './fitRidge';
import { encodeOnnxModel } from './onnx/encodeOnnxModel';

export interface LinearOnnxOptions {
  readonly inputName?: string;
  readonly outputName?: string;
  readonly producerVersion?: string;
  readonly docString?: string;
}

/**
 * A linear model as an ONNX graph on raw features: `input` float32 [N,F] → Cast(float64) → MatMul(W [F,1])
 * → Add(b [1]) → `variable` float64 [N,1] (the output name scikit-learn's converters use for regressors).
 * Opset 13. The arithmetic is in float64 because float32 sums of raw-scale terms (an intercept of −312 and
 * terms in the hundreds) drift by up to ~1e-4 from the float64 model.
 */
export function linearModelToOnnx(model: LinearModel, options: LinearOnnxOptions = {}): Uint8Array {
  const inputName = options.inputName ?? 'input';
  const outputName = options.outputName ?? 'variable';
  const featureCount = model.weights.length;
  return encodeOnnxModel({
    opsets: [{ domain: '', version: 13 }],
    producerName: 'durable-scoring',
    producerVersion: options.producerVersion,
    docString: options.docString,
    graph: {
      name: 'linear_model',
      nodes: [
        {
          opType: 'Cast',
          inputs: [inputName],
          outputs: ['features64'],
          name: 'cast',
          attributes: [{ name: 'to', int: 11 }],
        },
        { opType: 'MatMul', inputs: ['features64', 'weights'], outputs: ['weighted'], name: 'matmul' },
        { opType: 'Add', inputs: ['weighted', 'intercept'], outputs: [outputName], name: 'add_intercept' },
      ],
      initializers: [
        { name: 'weights', dims: [featureCount, 1], data: Float64Array.from(model.weights) },
        { name: 'intercept', dims: [1], data: Float64Array.of(model.intercept) },
      ],
      inputs: [{ name: inputName, type: { tensor: 'float32', shape: ['N', featureCount] } }],
      outputs: [{ name: outputName, type: { tensor: 'float64', shape: ['N', 1] } }],
    },
  });
}
