import { POWERS_OF_TEN } from './parseDecimal';

/**
 * The shortest decimal that reads back as the same float32 (as numpy prints float32): "0.1", not
 * the double "0.10000000149011612", in JavaScript's number notation. Fast: the digits are found with
 * exact double arithmetic and printed as an integer, without toPrecision or double-to-string.
 */
export function formatFloat32(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 16777216) return String(value);
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  const exponent = Math.floor(Math.log10(magnitude));
  // From 6 digits: a float32 that a shorter decimal identifies rounds to that decimal padded with
  // zeros at 6 digits (its half-ulp is below half a unit of the 6th digit). Up to 10: log10 may be one off.
  for (let digits = 6; digits <= 10; digits++) {
    const scale = digits - 1 - exponent;
    if (scale > 22 || scale < 0) break;
    // A quotient of exact values is correctly rounded: the same double as parsing the decimal.
    const mantissa = Math.round(magnitude * POWERS_OF_TEN[scale]!);
    if (Math.fround(mantissa / POWERS_OF_TEN[scale]!) === magnitude) {
      const text = decimalText(mantissa, scale);
      return value < 0 ? `-${text}` : text;
    }
  }
  return probeDigits(value);
}

/** mantissa × 10^-scale in plain notation, trailing zeros dropped; exponent notation below 1e-6 as String() does. */
function decimalText(mantissa: number, scale: number): string {
  let digits = mantissa;
  let places = scale;
  while (places > 0 && digits % 10 === 0) {
    digits /= 10;
    places--;
  }
  const text = String(digits);
  if (places === 0) return text;
  const integerDigits = text.length - places;
  if (integerDigits > 0) return `${text.slice(0, integerDigits)}.${text.slice(integerDigits)}`;
  if (integerDigits > -6) return `0.${'0'.repeat(-integerDigits)}${text}`;
  return String(digits / POWERS_OF_TEN[places]!);
}

/** Values from 1e6 up, and below about 1e-16, where the exact path does not apply: probe with toPrecision. */
function probeDigits(value: number): string {
  for (let digits = 1; digits < 9; digits++) {
    const text = value.toPrecision(digits);
    if (Math.fround(Number(text)) === value) return String(Number(text));
  }
  return String(Number(value.toPrecision(9)));
}
