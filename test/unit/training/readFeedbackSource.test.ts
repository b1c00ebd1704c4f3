import { readFeedbackSource } from '../../../src/training/retrain/readFeedbackSource';
import { trainingSourceSchema } from '../../../src/training/retrain/RetrainDeclaration';

const reader = (rows: number) => ({
  joinedSet: (model: string) => Promise.resolve({ bytes: Buffer.from(`set of ${model}`), rows }),
});

describe('the feedback training source', () => {
  it('is declared as { feedback: { minRows } }', () => {
    expect(trainingSourceSchema.parse({ feedback: {} })).toEqual({ feedback: {} });
    expect(trainingSourceSchema.safeParse({ feedback: { minRows: 0 } }).success).toBe(false);
    expect(trainingSourceSchema.safeParse({ feedback: { rows: 5 } }).success).toBe(false);
  });

  it("reads the model's joined set", async () => {
    const bytes = await readFeedbackSource({ minRows: 3 }, { model: 'm', reader: reader(3) });
    expect(bytes.toString()).toBe('set of m');
  });

  it('refuses fewer joined rows than minRows, or an app without feedback', async () => {
    await expect(readFeedbackSource({ minRows: 4 }, { model: 'm', reader: reader(3) })).rejects.toThrow(
      'retraining.source.feedback: model m has 3 joined feedback row(s), fewer than the 4 it asks for (minRows).',
    );
    await expect(readFeedbackSource({}, { model: 'm', reader: reader(0) })).rejects.toThrow(
      'fewer than the 1',
    );
    await expect(readFeedbackSource({}, { model: 'm' })).rejects.toThrow('this app has no feedback set');
  });
});
