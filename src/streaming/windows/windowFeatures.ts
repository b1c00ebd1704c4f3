/** What a window computes per key over a field's values (`count` counts the key's events). */
export const aggregates = ['count', 'mean', 'min', 'max', 'std', 'last'] as const;
export type Aggregate = (typeof aggregates)[number];

/** One model feature of a window stream: `count`, or `<field>_<aggregate>` such as `temp_mean`. */
export type WindowFeature =
  | { readonly name: string; readonly aggregate: 'count' }
  | { readonly name: string; readonly aggregate: Exclude<Aggregate, 'count'>; readonly field: string };

/**
 * Reads a window feature's name: `count`, or a field and an aggregate joined by the LAST `_`
 * (`inlet_temp_max` is `max` of `inlet_temp`). A name that is neither is a message saying what is
 * expected; whether the field exists is the definition's check.
 */
export function parseWindowFeature(name: string): WindowFeature | string {
  if (name === 'count') return { name, aggregate: 'count' };
  const split = name.lastIndexOf('_');
  const aggregate = name.slice(split + 1) as Aggregate;
  if (split <= 0 || aggregate === 'count' || !aggregates.includes(aggregate))
    return `"${name}" is not a window feature: use "count" or "<field>_<aggregate>" with an aggregate of mean, min, max, std, last (e.g. "temp_mean")`;
  return { name, aggregate, field: name.slice(0, split) };
}

/** The fields a window stream's features read, once each, in feature order. */
export function windowFieldsOf(features: readonly string[]): string[] {
  const fields = features.flatMap((name) => {
    const feature = parseWindowFeature(name);
    return typeof feature !== 'string' && feature.aggregate !== 'count' ? [feature.field] : [];
  });
  return [...new Set(fields)];
}
