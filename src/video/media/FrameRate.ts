/** A frame rate as an exact fraction (NTSC's 30000/1001 stays exact; 29.97 would drift). */
export interface FrameRate {
  readonly numerator: number;
  readonly denominator: number;
}

/** `30000/1001`, as ffmpeg's `-framerate` takes it. */
export function formatFrameRate(rate: FrameRate): string {
  return `${rate.numerator}/${rate.denominator}`;
}

export function frameRateValue(rate: FrameRate): number {
  return rate.numerator / rate.denominator;
}

/** `numerator/denominator` in lowest terms; both must be positive integers. */
export function reducedFrameRate(numerator: number, denominator: number): FrameRate {
  const divisor = greatestCommonDivisor(numerator, denominator);
  return { numerator: numerator / divisor, denominator: denominator / divisor };
}

/**
 * The exact rate a measured one stands for: a whole number, or an NTSC-style N·1000/1001, when within
 * 0.05 % of one; otherwise the value to a thousandth of a frame per second.
 */
export function nearestStandardFrameRate(measured: number): FrameRate {
  const close = (candidate: number) => Math.abs(candidate - measured) <= measured * 5e-4;
  const whole = Math.round(measured);
  if (whole > 0 && close(whole)) return { numerator: whole, denominator: 1 };
  const ntsc = Math.round(measured * 1.001);
  if (ntsc > 0 && close((ntsc * 1000) / 1001)) return reducedFrameRate(ntsc * 1000, 1001);
  return reducedFrameRate(Math.max(1, Math.round(measured * 1000)), 1000);
}

function greatestCommonDivisor(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
