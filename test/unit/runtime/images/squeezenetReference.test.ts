import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InferencePool } from '../../../../src/runtime/inference/InferencePool';
import { readTensorProto } from '../../../support/readTensorProto';
import { fixtureModel, fixturesDir } from '../inference/testModels';

// The ONNX model zoo's check: light squeezenet fed arange(n)/n in its input shape gives output_0.pb.

describe('light squeezenet on the worker pool', () => {
  const pool = new InferencePool({ size: 1 });
  afterAll(() => pool.close());

  it('gives the reference output for arange(n)/n within 1e-5', async () => {
    const expected = readTensorProto(
      readFileSync(path.join(fixturesDir, 'light-squeezenet', 'light_squeezenet_output_0.pb')),
    );
    const dims = [1, 3, 224, 224];
    const n = dims.reduce((a, b) => a * b, 1);
    const data = Float32Array.from({ length: n }, (_, i) => i / n);
    const model = fixtureModel('light-squeezenet', 'light_squeezenet.onnx');
    const result = await pool.run(model, { data_0: { data, dims } }, ['softmaxout_1']);
    const output = result.softmaxout_1!;
    expect(expected.dims).toEqual([1, 1000, 1, 1]);
    expect(output.dims).toEqual(expected.dims);
    const actual = output.data as Float32Array;
    const worst = expected.data.reduce((max, value, i) => Math.max(max, Math.abs(value - actual[i]!)), 0);
    expect(worst).toBeLessThan(1e-5);
  });
});
