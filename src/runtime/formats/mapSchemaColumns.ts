import { ValidationError } from '../../errors';
import type { ScoringSchema } from './ScoringBatch';

/** For each input column, its slot among the features and among the pass-through columns (-1: unused). */
export interface ColumnSlots {
  readonly featureSlot: Int32Array;
  readonly passThroughSlot: Int32Array;
}

/** Maps the schema's columns onto the file's columns by name; names the missing ones in one ValidationError. */
export function mapSchemaColumns(columns: readonly string[], schema: ScoringSchema): ColumnSlots {
  checkListedOnce(schema.featureColumns, 'feature');
  checkListedOnce(schema.passThroughColumns, 'pass-through');
  const indexOf = new Map<string, number>();
  columns.forEach((name, i) => {
    if (!indexOf.has(name)) indexOf.set(name, i);
  });
  const missingFeatures = schema.featureColumns.filter((name) => !indexOf.has(name));
  const missingPassThrough = schema.passThroughColumns.filter((name) => !indexOf.has(name));
  if (missingFeatures.length + missingPassThrough.length > 0) {
    throw new ValidationError(missingColumnsMessage(missingFeatures, missingPassThrough, columns), {
      field: [...missingFeatures, ...missingPassThrough].join(','),
    });
  }
  const featureSlot = new Int32Array(columns.length).fill(-1);
  const passThroughSlot = new Int32Array(columns.length).fill(-1);
  schema.featureColumns.forEach((name, slot) => (featureSlot[indexOf.get(name)!] = slot));
  schema.passThroughColumns.forEach((name, slot) => (passThroughSlot[indexOf.get(name)!] = slot));
  return { featureSlot, passThroughSlot };
}

/** A column may be both a feature and a pass-through column, but not two features (one slot per column). */
function checkListedOnce(names: readonly string[], kind: string): void {
  // A set, not indexOf: a file may have 100,000 columns, all of them listed.
  const seen = new Set<string>();
  const duplicate = names.find((name) => seen.size === seen.add(name).size);
  if (duplicate !== undefined) {
    throw new ValidationError(`${kind} column "${duplicate}" is listed twice`, { field: duplicate });
  }
}

function missingColumnsMessage(
  features: string[],
  passThrough: string[],
  columns: readonly string[],
): string {
  const parts: string[] = [];
  if (features.length > 0) parts.push(`missing feature column(s): ${features.join(', ')}`);
  if (passThrough.length > 0) parts.push(`missing pass-through column(s): ${passThrough.join(', ')}`);
  const shown = columns.slice(0, 50).join(', ') + (columns.length > 50 ? ', ...' : '');
  return `${parts.join('; ')} (the input has: ${shown})`;
}
