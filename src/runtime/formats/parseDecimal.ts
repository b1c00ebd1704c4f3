/** Exact powers of ten as doubles: 10^0..10^22. */
export const POWERS_OF_TEN = Float64Array.from({ length: 23 }, (_, i) => 10 ** i);
/** The smallest magnitude that rounds to Infinity in float32. */
const FLOAT32_OVERFLOW = 3.4028235677973366e38;
const MAX_EXACT_DIGITS = 15;

/**
 * `[+-]digits[.digits][e[+-]digits]` or `[+-].digits...`, with optional surrounding blanks. The digits
 * after the point follow the point only: `\d+\.?\d*` could split a run of digits n ways, and a long
 * run that fails at its end ("7777...x") took time quadratic in its length.
 */
const DECIMAL_TEXT = /^[ \t]*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[ \t]*$/;

function isBlank(byte: number): boolean {
  return byte === 0x20 || byte === 0x09;
}

/**
 * Parses a decimal number from bytes[start, end) without building a string: the same value as
 * `Number(text)` for the accepted syntax (a fast exact path, else `Number` itself). NaN when the text
 * is not a plain decimal (hex, "Infinity", "NaN", "1,5" are not).
 */
export function parseDecimal(bytes: Uint8Array, start: number, end: number): number {
  let s = start;
  let e = end;
  while (s < e && isBlank(bytes[s]!)) s++;
  while (e > s && isBlank(bytes[e - 1]!)) e--;
  let i = s;
  const sign = i < e ? bytes[i]! : 0;
  if (sign === 0x2d || sign === 0x2b) i++;
  let mantissa = 0;
  const intStart = i;
  for (let d = 0; i < e && (d = bytes[i]! - 0x30) >= 0 && d <= 9; i++) mantissa = mantissa * 10 + d;
  const intDigits = i - intStart;
  let fracDigits = 0;
  if (i < e && bytes[i] === 0x2e) {
    const fracStart = ++i;
    for (let d = 0; i < e && (d = bytes[i]! - 0x30) >= 0 && d <= 9; i++) mantissa = mantissa * 10 + d;
    fracDigits = i - fracStart;
  }
  if (intDigits + fracDigits === 0) return NaN;
  let exponent = 0;
  if (i < e && (bytes[i] === 0x65 || bytes[i] === 0x45)) {
    exponent = parseExponent(bytes, i + 1, e);
    i = e;
  }
  if (i !== e || Number.isNaN(exponent)) return NaN;
  const power = exponent - fracDigits;
  if (intDigits + fracDigits > MAX_EXACT_DIGITS || power < -22 || power > 22) {
    // Beyond exact double arithmetic: let the engine round correctly.
    return Number(Buffer.from(bytes.buffer, bytes.byteOffset + s, e - s).toString('latin1'));
  }
  // One multiplication or division of two exact doubles is correctly rounded, as Number() is.
  const value = power >= 0 ? mantissa * POWERS_OF_TEN[power]! : mantissa / POWERS_OF_TEN[-power]!;
  return sign === 0x2d ? -value : value;
}

/** `[+-]digits` filling bytes[start, end) exactly, else NaN. Huge exponents saturate (to Infinity or 0 later). */
function parseExponent(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  const sign = i < end ? bytes[i]! : 0;
  if (sign === 0x2d || sign === 0x2b) i++;
  if (i === end) return NaN;
  let exponent = 0;
  for (; i < end; i++) {
    const d = bytes[i]! - 0x30;
    if (d < 0 || d > 9) return NaN;
    if (exponent < 1e6) exponent = exponent * 10 + d;
  }
  return sign === 0x2d ? -exponent : exponent;
}

/** The same syntax as parseDecimal, for values that are already strings (JSON). */
export function parseDecimalText(text: string): number {
  return DECIMAL_TEXT.test(text) ? Number(text) : NaN;
}

/** True when a finite number stays finite as float32. */
export function fitsFloat32(value: number): boolean {
  return value < FLOAT32_OVERFLOW && value > -FLOAT32_OVERFLOW;
}
