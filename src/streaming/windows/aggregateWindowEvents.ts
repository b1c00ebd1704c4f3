import type { FeatureRow, LandedEvent } from './LandedEvent';
import { parseWindowFeature, windowFieldsOf, type WindowFeature } from './windowFeatures';

/** Running figures of one field for one key (Welford's mean and squared deviations). */
interface FieldFigures {
  count: number;
  mean: number;
  squares: number;
  min: number;
  max: number;
  last: number;
}

interface KeyFigures {
  readonly key: unknown;
  count: number;
  lastEvent: LandedEvent;
  readonly fields: Map<string, FieldFigures>;
}

/** What a window's events aggregate to: a row per key, and how many events counted and were dropped. */
export interface WindowAggregate {
  readonly rows: FeatureRow[];
  readonly eventsIn: number;
  readonly duplicates: number;
}

/**
 * Aggregates a window's landed events per key into its features, counting each event once by its
 * (partition, sequence number): landings of a batch delivered again overlap the first delivery's. `std`
 * is the population standard deviation; `last` is the value of the latest event by event time (ties
 * broken by partition, then sequence number), so the result does not depend on the landings' order.
 * Rows are sorted by key.
 */
export function aggregateWindowEvents(
  events: Iterable<LandedEvent>,
  featureNames: readonly string[],
): WindowAggregate {
  const features = featureNames.map((name) => parseWindowFeature(name) as WindowFeature);
  const fields = windowFieldsOf(featureNames);
  const seen = new Map<string, Set<number>>(); // sequence numbers counted, per partition
  const keys = new Map<string, KeyFigures>();
  let duplicates = 0;
  for (const event of events) {
    let counted = seen.get(event.partitionId);
    if (!counted) seen.set(event.partitionId, (counted = new Set()));
    if (counted.has(event.sequenceNumber)) {
      duplicates++;
      continue;
    }
    counted.add(event.sequenceNumber);
    const keyText = JSON.stringify(event.key);
    let figures = keys.get(keyText);
    if (!figures) {
      figures = { key: event.key, count: 0, lastEvent: event, fields: new Map() };
      keys.set(keyText, figures);
    }
    const isLast = figures.count === 0 || later(event, figures.lastEvent);
    figures.count++;
    if (isLast) figures.lastEvent = event;
    for (const field of fields) add(figures.fields, field, event.values[field]!, isLast);
  }
  const rows = [...keys.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, figures]) => ({
      key: figures.key,
      features: Object.fromEntries(features.map((feature) => [feature.name, valueOf(feature, figures)])),
    }));
  let eventsIn = 0;
  for (const counted of seen.values()) eventsIn += counted.size;
  return { rows, eventsIn, duplicates };
}

function add(fields: Map<string, FieldFigures>, field: string, value: number, isLast: boolean): void {
  const figures = fields.get(field);
  if (!figures) {
    fields.set(field, { count: 1, mean: value, squares: 0, min: value, max: value, last: value });
    return;
  }
  figures.count++;
  const delta = value - figures.mean;
  figures.mean += delta / figures.count;
  figures.squares += delta * (value - figures.mean);
  figures.min = Math.min(figures.min, value);
  figures.max = Math.max(figures.max, value);
  if (isLast) figures.last = value;
}

function valueOf(feature: WindowFeature, figures: KeyFigures): number {
  if (feature.aggregate === 'count') return figures.count;
  const field = figures.fields.get(feature.field)!;
  switch (feature.aggregate) {
    case 'mean':
      return field.mean;
    case 'min':
      return field.min;
    case 'max':
      return field.max;
    case 'std':
      return Math.sqrt(field.squares / field.count);
    case 'last':
      return field.last;
  }
}

function later(event: LandedEvent, than: LandedEvent): boolean {
  if (event.eventTime !== than.eventTime) return event.eventTime > than.eventTime;
  if (event.partitionId !== than.partitionId)
    return event.partitionId.localeCompare(than.partitionId, 'en', { numeric: true }) > 0;
  return event.sequenceNumber > than.sequenceNumber;
}
