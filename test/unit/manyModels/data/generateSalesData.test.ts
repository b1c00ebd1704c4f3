import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { generateSalesWeeks, SALES_HEADER } from '../../../../src/manyModels/data/generateSalesWeeks';
import { writeSalesData } from '../../../../src/manyModels/data/writeSalesData';

/** A slow sink: collects the text, acknowledges each write on a later tick, and records its backlog. */
function slowSink(highWaterMark: number): { sink: Writable; text: () => string; maxBacklog: () => number } {
  const parts: Buffer[] = [];
  let maxBacklog = 0;
  const sink = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, done) {
      parts.push(chunk);
      setImmediate(done);
    },
  });
  const write = sink.write.bind(sink);
  sink.write = ((chunk: string) => {
    const ok = write(chunk);
    maxBacklog = Math.max(maxBacklog, sink.writableLength);
    return ok;
  }) as typeof sink.write;
  return { sink, text: () => Buffer.concat(parts).toString('utf8'), maxBacklog: () => maxBacklog };
}

async function generate(series: number, rows: number, seed?: number): Promise<string> {
  const { sink, text } = slowSink(16 * 1024);
  await writeSalesData(sink, { series, rows, seed });
  sink.end();
  await once(sink, 'finish');
  return text();
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('synthetic sales data', () => {
  it('gives the same bytes for the same seed and different bytes for another seed', async () => {
    const first = await generate(12, 1000, 7);
    const again = await generate(12, 1000, 7);
    const other = await generate(12, 1000, 8);
    expect(sha256(again)).toBe(sha256(first));
    expect(sha256(other)).not.toBe(sha256(first));
    expect(first.startsWith(SALES_HEADER + '\n')).toBe(true);
  });

  it('writes exactly the rows asked for, grouped by week, each series once per week', async () => {
    const lines = (await generate(7, 52)).trimEnd().split('\n').slice(1);
    expect(lines).toHaveLength(52);
    const weeks = lines.map((line) => line.split(',')[0]!);
    const keys = lines.map((line) => line.split(',').slice(1, 3).join('/'));
    // 52 rows of 7 series: 7 full weeks and a last week with the first 3 series.
    expect(new Set(weeks).size).toBe(8);
    expect([...weeks].sort()).toEqual(weeks);
    expect(keys.slice(0, 7)).toEqual(keys.slice(7, 14));
    expect(new Set(keys.slice(0, 7)).size).toBe(7);
    expect(keys.slice(49)).toEqual(keys.slice(0, 3));
    expect(weeks[7]).toBe(new Date(Date.parse(weeks[0]!) + 7 * 86400e3).toISOString().slice(0, 10));
    for (const line of lines) expect(line.split(',')).toHaveLength(SALES_HEADER.split(',').length);
  });

  it('keeps a series the same whatever else is generated (its parameters depend on seed and index only)', () => {
    const small = [...generateSalesWeeks({ series: 3, rows: 3, seed: 5 })][0]!.text.split('\n');
    const large = [...generateSalesWeeks({ series: 30, rows: 30, seed: 5 })][0]!.text.split('\n');
    // Same store demographics for the same store (the demographic columns come after Price).
    expect(small[0]!.split(',').slice(6)).toEqual(large[0]!.split(',').slice(6));
    expect(small[0]!.split(',').slice(1, 3)).toEqual(['1', 'dominicks']);
  });

  it('waits for the stream to drain instead of buffering everything', async () => {
    const { sink, maxBacklog } = slowSink(1024);
    const { rows, bytes } = await writeSalesData(sink, { series: 50, rows: 5000, seed: 1 });
    expect(rows).toBe(5000);
    // One week (50 rows of ~60 bytes) is the unit written: the backlog never holds much more than that.
    expect(maxBacklog()).toBeLessThan(1024 + 50 * 100);
    expect(bytes).toBeGreaterThan(5000 * 50);
  });

  it('makes quantity depend on price and advert within each series (there is signal to learn)', () => {
    const rows = [...generateSalesWeeks({ series: 3, rows: 3 * 400, seed: 11 })].flatMap((week) =>
      week.text.trimEnd().split('\n'),
    );
    for (const brand of ['dominicks', 'minute.maid', 'tropicana']) {
      const series = rows.map((line) => line.split(',')).filter((fields) => fields[2] === brand);
      const logQuantity = series.map((f) => Math.log(Number(f[3])));
      const logPrice = series.map((f) => Math.log(Number(f[5])));
      expect(correlation(logPrice, logQuantity)).toBeLessThan(-0.3);
      const withAdvert = series.filter((f) => f[4] === '1').map((f) => Math.log(Number(f[3])));
      const without = series.filter((f) => f[4] === '0').map((f) => Math.log(Number(f[3])));
      expect(mean(withAdvert)).toBeGreaterThan(mean(without));
    }
  });

  it('rejects a shape that is not a positive whole number of series', () => {
    expect(() => [...generateSalesWeeks({ series: 0, rows: 10 })]).toThrow(
      'series must be a positive integer',
    );
    expect(() => [...generateSalesWeeks({ series: 2, rows: 1.5 })]).toThrow('rows must be');
  });
});

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function correlation(x: number[], y: number[]): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((xi, i) => {
    sxy += (xi - mx) * (y[i]! - my);
    sxx += (xi - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}
