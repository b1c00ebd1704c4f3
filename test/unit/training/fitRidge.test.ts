import { fitRidge, predictLinear, type DesignMatrix } from '../../../src/training/fitRidge';
import { r2Score } from '../../../src/training/metrics';

/** rows × 3 features: x0 = r, x1 = (r mod 7) · 10, x2 constant 5. */
function synthetic(rows: number): DesignMatrix {
  const values = new Float64Array(rows * 3);
  for (let r = 0; r < rows; r++) values.set([r, (r % 7) * 10, 5], r * 3);
  return { rows, columns: 3, values };
}

describe('fitRidge', () => {
  it('recovers an exact linear relation when alpha is tiny, with a zero weight on a constant column', () => {
    const x = synthetic(50);
    const y = Float64Array.from({ length: 50 }, (_, r) => 3 + 2 * r - 0.5 * (r % 7) * 10);
    const model = fitRidge(x, y, 1e-9);
    expect(model.weights[0]).toBeCloseTo(2, 6);
    expect(model.weights[1]).toBeCloseTo(-0.5, 6);
    expect(model.weights[2]).toBe(0);
    expect(model.intercept).toBeCloseTo(3, 5);
    expect(r2Score(y, predictLinear(model, x))).toBeCloseTo(1, 9);
  });

  it('solves the penalised normal equations on standardised features: Zᵀ(y − ȳ − Zw) = αw', () => {
    const x = synthetic(40);
    const y = Float64Array.from({ length: 40 }, (_, r) => Math.sin(r) * 10 + r);
    const alpha = 5;
    const model = fitRidge(x, y, alpha);
    for (const j of [0, 1]) {
      const column = Array.from({ length: 40 }, (_, r) => x.values[r * 3 + j] ?? 0);
      const mean = column.reduce((a, b) => a + b) / 40;
      const std = Math.sqrt(column.reduce((a, b) => a + (b - mean) ** 2, 0) / 40);
      const residuals = predictLinear(model, x).map((p, r) => (y[r] ?? 0) - p);
      const gradient = column.reduce((sum, v, r) => sum + ((v - mean) / std) * (residuals[r] ?? 0), 0);
      // The standardised weight is the raw weight times the column's standard deviation.
      expect(gradient).toBeCloseTo(alpha * (model.weights[j] ?? 0) * std, 8);
    }
  });

  it('rejects targets that do not match the rows', () => {
    expect(() => fitRidge(synthetic(3), new Float64Array(2), 1)).toThrow('fitRidge: 3 rows but 2 targets');
  });
});
