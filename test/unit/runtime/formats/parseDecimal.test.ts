import { fitsFloat32, parseDecimal, parseDecimalText } from '../../../../src/runtime/formats/parseDecimal';
import { randomDecimals } from './formatsTestKit';

function parse(text: string): number {
  const bytes = Buffer.from(`#${text}#`, 'latin1');
  return parseDecimal(bytes, 1, bytes.length - 1);
}

describe('parseDecimal', () => {
  it.each([
    ['0', 0],
    ['59', 59],
    ['-3', -3],
    ['+3', 3],
    ['32.1', 32.1],
    ['4.8598', 4.8598],
    ['.5', 0.5],
    ['5.', 5],
    ['-0.038075906', -0.038075906],
    [' 1.5\t', 1.5],
    ['1e3', 1000],
    ['1.5E-3', 0.0015],
    ['-2.5e+2', -250],
    ['007', 7],
    ['123456789012345678', 123456789012345680],
    ['1e-30', 1e-30],
    ['0.1234567890123456789', 0.12345678901234568],
  ])('reads %j as Number() does', (text, expected) => {
    expect(parse(text)).toBe(expected);
    expect(parseDecimalText(text)).toBe(expected);
  });

  it.each([
    '',
    '  ',
    '-',
    '+',
    '.',
    'abc',
    '1,5',
    '0x1A',
    'Infinity',
    'NaN',
    '1e',
    '1e+',
    '1.2.3',
    '--1',
    '1 2',
    'e5',
    '1_000',
  ])('rejects %j', (text) => {
    expect(parse(text)).toBeNaN();
    expect(parseDecimalText(text)).toBeNaN();
  });

  it('rejects a long run of digits ending in a letter in linear time', () => {
    // Quadratic matching took about 10 s for these on the 2-core development machine.
    const started = Date.now();
    for (const text of [`${'7'.repeat(50_000)}x`, `1.${'7'.repeat(50_000)}x`])
      expect(parseDecimalText(text)).toBeNaN();
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('agrees with Number() on many random decimals, digit counts and exponents', () => {
    const texts = randomDecimals(20000, 7);
    const mismatches = texts.filter((text) => !Object.is(parse(text), Number(text)));
    expect(mismatches).toEqual([]);
  });

  it('knows which values overflow float32', () => {
    expect(fitsFloat32(3.4e38)).toBe(true);
    expect(fitsFloat32(-3.4e38)).toBe(true);
    expect(fitsFloat32(3.5e38)).toBe(false);
    expect(fitsFloat32(Infinity)).toBe(false);
    expect(fitsFloat32(NaN)).toBe(false);
  });
});
