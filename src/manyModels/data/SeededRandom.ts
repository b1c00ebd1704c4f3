/**
 * A small, fast, seeded pseudo-random generator (32-bit state, mulberry32 mixing) so that generated
 * data is byte-for-byte reproducible from its seed; Math.random cannot be seeded.
 */
export class SeededRandom {
  private state: number;
  /** Box-Muller yields normals in pairs; the second one waits here. */
  private spareNormal = NaN;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A derived generator for one part of the output (e.g. one series), independent of draw order. */
  static forStream(seed: number, stream: number): SeededRandom {
    return new SeededRandom(mix32((seed >>> 0) ^ mix32(stream + 0x9e3779b9)));
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    return mix32(this.state) / 4294967296;
  }

  /** Uniform in [low, high). */
  between(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Standard normal (mean 0, standard deviation 1). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const spare = this.spareNormal;
      this.spareNormal = NaN;
      return spare;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - this.next()));
    const angle = 2 * Math.PI * this.next();
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }
}

function mix32(value: number): number {
  let z = value >>> 0;
  z = Math.imul(z ^ (z >>> 15), z | 1);
  z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
  return (z ^ (z >>> 14)) >>> 0;
}
