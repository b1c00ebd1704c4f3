import type { RowError, ScoringBatch } from './ScoringBatch';

/**
 * Collects the good rows of a partition into row-major Float32 features, and the bad rows into errors.
 * Sized from the plan's row count; grows if the bytes hold more rows than planned.
 */
export class BatchBuilder {
  features: Float32Array;
  rowCount = 0;
  totalRows = 0;
  private rowNumbers: Uint32Array;
  private readonly passThrough: string[][];
  private readonly errors: RowError[] = [];

  constructor(
    readonly featureCount: number,
    passThroughCount: number,
    expectedRows: number,
  ) {
    const capacity = Math.max(expectedRows, 1);
    this.features = new Float32Array(capacity * featureCount);
    this.rowNumbers = new Uint32Array(capacity);
    this.passThrough = Array.from({ length: passThroughCount }, () => []);
  }

  /** Where the next row's features go in `features` (which may be replaced by a larger array). */
  nextRowOffset(): number {
    if (this.rowCount === this.rowNumbers.length) this.grow();
    return this.rowCount * this.featureCount;
  }

  /**
   * Keeps the row whose features were written at nextRowOffset(). Its pass-through values come as an
   * array, or one by one through `passThroughValue` (no array per row on the CSV hot path).
   */
  acceptRow(row: number, passThroughValues?: readonly string[]): void {
    if (this.rowCount === this.rowNumbers.length) this.grow();
    this.rowNumbers[this.rowCount] = row;
    if (passThroughValues) passThroughValues.forEach((value, i) => this.passThrough[i]!.push(value));
    this.rowCount += 1;
    this.totalRows += 1;
  }

  /** The pass-through value of column `slot` for the row about to be accepted. */
  passThroughValue(slot: number, value: string): void {
    this.passThrough[slot]!.push(value);
  }

  rejectRow(error: RowError): void {
    this.errors.push(error);
    this.totalRows += 1;
  }

  /** The batch, with arrays trimmed to the good rows so their buffers can be transferred as they are. */
  finish(): ScoringBatch {
    const values = this.rowCount * this.featureCount;
    return {
      totalRows: this.totalRows,
      rowCount: this.rowCount,
      rowNumbers: trim(this.rowNumbers, this.rowCount),
      features: trim(this.features, values),
      passThrough: this.passThrough,
      errors: this.errors,
    };
  }

  private grow(): void {
    const capacity = this.rowNumbers.length * 2;
    const rowNumbers = new Uint32Array(capacity);
    rowNumbers.set(this.rowNumbers);
    this.rowNumbers = rowNumbers;
    const features = new Float32Array(capacity * this.featureCount);
    features.set(this.features);
    this.features = features;
  }
}

function trim<T extends Float32Array | Uint32Array>(array: T, length: number): T {
  return (array.length === length ? array : array.slice(0, length)) as T;
}
