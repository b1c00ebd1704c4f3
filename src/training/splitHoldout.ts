import { ValidationError } from '../errors';

export interface HoldoutOptions {
  /** Share of the rows held out, between 0 and 1 (exclusive); the count is rounded to the nearest row. */
  readonly fraction: number;
  /** An integer that picks a different holdout; default 0. */
  readonly seed?: number;
}

/** Row indices, each list ascending. */
export interface HoldoutSplit {
  readonly train: number[];
  readonly holdout: number[];
}

/**
 * Splits rows 0..rows−1 into training and holdout rows, deterministically: the rows with the smallest
 * seeded hash of their index are held out. The same rows, fraction and seed always give the same split,
 * so a candidate and the production model can be evaluated on the same holdout.
 */
export function splitHoldout(rows: number, options: HoldoutOptions): HoldoutSplit {
  const { fraction, seed = 0 } = options;
  if (!(fraction > 0 && fraction < 1)) {
    throw new ValidationError(`The holdout fraction must be between 0 and 1 (got ${fraction})`, {
      field: 'fraction',
    });
  }
  if (!Number.isSafeInteger(seed)) {
    throw new ValidationError(`The holdout seed must be an integer (got ${seed})`, { field: 'seed' });
  }
  const count = Math.round(fraction * rows);
  if (count === 0 || count === rows) {
    throw new ValidationError(
      `A holdout of ${fraction} of ${rows} rows leaves ${count === 0 ? 'no holdout rows' : 'no training rows'}`,
      { field: 'fraction' },
    );
  }
  const hashes = Uint32Array.from({ length: rows }, (_, r) => mixHash(r, seed));
  const byHash = Array.from({ length: rows }, (_, r) => r).sort(
    (a, b) => (hashes[a] ?? 0) - (hashes[b] ?? 0) || a - b,
  );
  const held = new Uint8Array(rows);
  for (const r of byHash.slice(0, count)) held[r] = 1;
  const train: number[] = [];
  const holdout: number[] = [];
  for (let r = 0; r < rows; r++) (held[r] ? holdout : train).push(r);
  return { train, holdout };
}

/** A 32-bit integer hash of (index, seed): murmur3's finaliser, which spreads neighbouring indices. */
function mixHash(index: number, seed: number): number {
  let h = (Math.imul(index, 0x9e3779b1) ^ Math.imul(seed | 0, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
