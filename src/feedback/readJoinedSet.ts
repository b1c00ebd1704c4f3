import { csvField, readCsvRecords } from './readCsvRecords';
import type { FeedbackStore } from './FeedbackStore';

/**
 * A model's joined set: the joined rows of every Joined feedback batch, oldest batch first, as one CSV
 * whose header is the union of the batches' columns (a cell a batch has no column for is empty). The
 * same batches give the same bytes, so the SHA-256 a retraining run records names exactly this set.
 */
export async function readJoinedSet(
  store: Pick<FeedbackStore, 'batches' | 'readJoinedSet'>,
  model: string,
): Promise<{ bytes: Buffer; rows: number }> {
  const batches = (await store.batches(model)).filter(
    (batch) => batch.status === 'Joined' && batch.joinedSet !== undefined,
  );
  const columns: string[] = [];
  const parts: { header: string[]; rows: string[][] }[] = [];
  for (const batch of batches) {
    const records: string[][] = [];
    for await (const record of readCsvRecords([await store.readJoinedSet(batch.joinedSet!)]))
      records.push(record);
    const [header = [], ...rows] = records;
    for (const name of header) if (!columns.includes(name)) columns.push(name);
    parts.push({ header, rows });
  }
  // The label, version and job columns stay last, as each batch writes them.
  const tail = parts[0]?.header.slice(-3) ?? [];
  const ordered = [...columns.filter((name) => !tail.includes(name)), ...tail];
  const lines = [ordered.map(csvField).join(',')];
  let rows = 0;
  for (const { header, rows: records } of parts) {
    const at = ordered.map((name) => header.indexOf(name));
    for (const record of records) {
      lines.push(at.map((i) => csvField(i < 0 ? '' : (record[i] ?? ''))).join(','));
      rows++;
    }
  }
  return { bytes: Buffer.from(rows === 0 ? '' : lines.join('\n') + '\n'), rows };
}
