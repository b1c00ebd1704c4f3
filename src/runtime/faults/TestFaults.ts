import { z } from 'zod';
import { TransientError } from '../../errors';

/** Where a test can make work fail: a scoring partition (key: its index), a many-models key (its partition path). */
export type FaultPoint = 'scorePartition' | 'trainManyKey';

const faultsSchema = z.partialRecord(
  z.enum(['scorePartition', 'trainManyKey']),
  z.record(z.string(), z.int().positive()),
);

/** The one setting that injects faults; its name says what it is for. */
export const testFaultsSetting = 'DURABLE_SCORING_TEST_FAULTS';

/**
 * Transient faults injected at named points, so tests can drive retries and recovery through the real
 * host. Production has none: the composition root builds them only from the setting
 * `DURABLE_SCORING_TEST_FAULTS`, JSON naming how many first tries fail per point and key, e.g.
 * `{"scorePartition": {"1": 1}, "trainManyKey": {"sales/Store=8.csv": 99}}`.
 */
export class TestFaults {
  static readonly none = new TestFaults({});

  private constructor(private readonly tries: z.infer<typeof faultsSchema>) {}

  /** The setting's faults; no setting is none, and a malformed one stops the app with the reason. */
  static fromSetting(text: string | undefined): TestFaults {
    if (text === undefined || text.trim() === '') return TestFaults.none;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`Invalid app setting ${testFaultsSetting}: not JSON.`);
    }
    const parsed = faultsSchema.safeParse(json);
    if (!parsed.success)
      throw new Error(
        `Invalid app setting ${testFaultsSetting}: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
      );
    return new TestFaults(parsed.data);
  }

  get active(): boolean {
    return Object.keys(this.tries).length > 0;
  }

  /** Throws a TransientError if try `attempt` (1-based) of `key` at `point` is set to fail. */
  inject(point: FaultPoint, key: string | number, attempt: number): void {
    const failing = this.tries[point]?.[String(key)] ?? 0;
    if (attempt <= failing)
      throw new TransientError(
        `Injected transient fault: ${point} ${key}, try ${attempt} (${testFaultsSetting}).`,
      );
  }
}
