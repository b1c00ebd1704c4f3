import { describeValue } from './describeValue';
import { fitsFloat32, parseDecimalText } from './parseDecimal';

/** A JSON value as a float32 feature: a number, or a string holding a decimal; else the reason it is not. */
export function jsonFeatureValue(value: unknown): number | { reason: string } {
  if (typeof value === 'number') {
    return fitsFloat32(value) ? value : { reason: `out of float32 range: ${value}` };
  }
  if (typeof value === 'string') return numericText(value);
  if (value === undefined) return { reason: 'missing field' };
  if (value === null) return { reason: 'null value' };
  return { reason: `not a number: ${describeValue(JSON.stringify(value))}` };
}

function numericText(text: string): number | { reason: string } {
  const number = parseDecimalText(text);
  if (fitsFloat32(number)) return number;
  if (text.trim() === '') return { reason: 'empty value' };
  if (Number.isNaN(number)) return { reason: `not a number: ${describeValue(text)}` };
  return { reason: `out of float32 range: ${describeValue(text)}` };
}
