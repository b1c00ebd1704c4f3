/** Test helper: a CSV split by key columns the way the partitioner lays a data set out. */
export interface CsvPartition {
  readonly key: Record<string, string>;
  readonly path: string;
  readonly text: string;
  readonly rows: number;
}

/** One CSV per key (header included, rows in file order), named `<k1>=<v1>/<k2>=<v2>.csv`. */
export function partitionCsv(text: string, keys: readonly string[]): CsvPartition[] {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const columns = header!.split(',');
  const at = keys.map((name) => columns.indexOf(name));
  const groups = new Map<string, { key: Record<string, string>; lines: string[] }>();
  for (const line of lines) {
    const cells = line.split(',');
    const key = Object.fromEntries(keys.map((name, i) => [name, cells[at[i]!]!]));
    const path = `${keys.map((name) => `${name}=${encodeURIComponent(key[name]!)}`).join('/')}.csv`;
    const group = groups.get(path) ?? { key, lines: [] };
    group.lines.push(line);
    groups.set(path, group);
  }
  return [...groups].map(([path, group]) => ({
    key: group.key,
    path,
    text: `${header}\n${group.lines.join('\n')}\n`,
    rows: group.lines.length,
  }));
}
