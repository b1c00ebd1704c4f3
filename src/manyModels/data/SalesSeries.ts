import { SeededRandom } from './SeededRandom';

/** The orange juice brands of the reference data; each store sells all of them (series = store × brand). */
export const BRANDS = ['dominicks', 'minute.maid', 'tropicana'] as const;

/**
 * The hidden truth behind one synthetic series: log(quantity) = level + elasticity·log(price/basePrice)
 * + advertLift·advert + seasonalAmplitude·sin(2π·week/52 + seasonalPhase) + noise·N(0,1).
 */
export interface SalesSeries {
  readonly store: number;
  readonly brand: string;
  readonly level: number;
  readonly elasticity: number;
  readonly advertLift: number;
  readonly seasonalAmplitude: number;
  readonly seasonalPhase: number;
  readonly noise: number;
  /** Regular shelf price in cents; promotions discount it. */
  readonly basePriceCents: number;
  /** The static demographic columns of the store, already formatted (`,Age60,COLLEGE,INCOME,Hincome150`). */
  readonly demographics: string;
}

/** Series `index` (0-based) of a data set made with `seed`: the same whatever else is generated. */
export function createSalesSeries(seed: number, index: number): SalesSeries {
  const storeIndex = Math.floor(index / BRANDS.length);
  const random = SeededRandom.forStream(seed, index);
  return {
    store: storeIndex + 1,
    brand: BRANDS[index % BRANDS.length]!,
    level: 8.5 + 0.7 * random.normal(),
    elasticity: random.between(-3.5, -1.5),
    advertLift: random.between(0.2, 0.7),
    seasonalAmplitude: random.between(0.05, 0.3),
    seasonalPhase: random.between(0, 2 * Math.PI),
    noise: random.between(0.1, 0.25),
    basePriceCents: Math.round(random.between(150, 390)),
    demographics: storeDemographics(seed, storeIndex),
  };
}

/** Drawn per store (not per series) so that all brands of a store share them, as in the reference data. */
function storeDemographics(seed: number, storeIndex: number): string {
  const random = SeededRandom.forStream(seed ^ 0x5bd1e995, storeIndex);
  const age60 = random.between(0.05, 0.3);
  const college = random.between(0.05, 0.5);
  const income = random.between(9.8, 11.2);
  const hincome150 = random.between(0.1, 0.6);
  return `,${age60.toFixed(4)},${college.toFixed(4)},${income.toFixed(4)},${hincome150.toFixed(4)}`;
}
