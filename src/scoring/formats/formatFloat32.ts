import { POWERS_OF_TEN } from './parseDecimal';

/**
 * The shortest decimal that reads back as the same float32 (as numpy prints float32): "0.1", not
 * the double "0.10000000149011612". Tries 1, 2, ... significant digits with exact double arithmetic
 * (a product or quotient of exact values is correctly rounded, as parsing the decimal would be), so
 * no string is built until the answer is known: about ten times faster than toPrecision probing.
 */
export function formatFloat32(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 16777216) return String(value);
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  const exponent = Math.floor(Math.log10(magnitude));
  // Up to 10 digits: log10 may be one off next to a power of ten.
  for (let digits = 1; digits <= 10; digits++) {
    const scale = digits - 1 - exponent;
    if (scale > 22 || scale < -22) break;
    const candidate =
      scale >= 0
        ? Math.round(magnitude * POWERS_OF_TEN[scale]!) / POWERS_OF_TEN[scale]!
        : Math.round(magnitude / POWERS_OF_TEN[-scale]!) * POWERS_OF_TEN[-scale]!;
    if (Math.fround(candidate) === magnitude) return value < 0 ? `-${candidate}` : String(candidate);
  }
  return probeDigits(value);
}

/** Tiny and huge values, beyond exact powers of ten: probe with toPrecision (9 digits always round-trip). */
function probeDigits(value: number): string {
  for (let digits = 1; digits < 9; digits++) {
    const text = value.toPrecision(digits);
    if (Math.fround(Number(text)) === value) return String(Number(text));
  }
  return String(Number(value.toPrecision(9)));
}
