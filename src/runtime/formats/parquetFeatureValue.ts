import { fitsFloat32 } from './parseDecimal';

/** A value read from a numeric Parquet column as a float32 feature, else the reason it cannot be one. */
export function parquetFeatureValue(value: unknown): number | { reason: string } {
  let number: number;
  if (typeof value === 'number') number = value;
  else if (typeof value === 'bigint') number = Number(value);
  else if (typeof value === 'boolean') number = value ? 1 : 0;
  else if (value === null || value === undefined) return { reason: 'null value' };
  else return { reason: `not a number: ${typeof value}` };
  if (fitsFloat32(number)) return number;
  return { reason: Number.isNaN(number) ? 'not a number: NaN' : `out of float32 range: ${number}` };
}
