import { ValidationError } from '../../../../src/errors';
import { splitTimeHoldout } from '../../../../src/manyModels/training/splitTimeHoldout';

describe('splitTimeHoldout', () => {
  it('holds out the rows of the last k periods, counted in periods (a gap counts)', () => {
    // Periods 100..109 without 107: the last 3 periods are 107..109, so two rows are held out.
    const periods = [100, 101, 102, 103, 104, 105, 106, 108, 109];
    expect(splitTimeHoldout(periods, 3)).toEqual({ train: [0, 1, 2, 3, 4, 5, 6], holdout: [7, 8] });
    expect(splitTimeHoldout(periods, 4).holdout).toEqual([6, 7, 8]);
  });

  it('works on periods in any order (positions are returned, ascending)', () => {
    expect(splitTimeHoldout([5, 1, 4, 2, 3], 2)).toEqual({ train: [1, 3, 4], holdout: [0, 2] });
  });

  it.each([0, -1, 1.5])('refuses a holdout of %p periods', (k) => {
    expect(() => splitTimeHoldout([1, 2, 3], k)).toThrow(ValidationError);
    expect(() => splitTimeHoldout([1, 2, 3], k)).toThrow(/at least 1/);
  });
});
