import type { DriftStore } from '../../runtime/drift/DriftStore';

/** One feature's (or, later, one output's) drift in a drift record. */
export interface DriftHistoryFeature {
  readonly name: string;
  /** `input`: a model input; `prediction`: a model output against its holdout predictions. */
  readonly kind: 'input' | 'prediction';
  readonly psi: number;
  readonly ks?: number;
  readonly status: string;
}

/** One measured job (or stream window): what `GET /api/models/{name}/drift` returns per record. */
export interface DriftHistoryRecord {
  /** What was measured: a batch job (`id` is the job id) or a stream window. */
  readonly source: 'job' | 'window';
  readonly id: string;
  readonly modelVersion?: number;
  readonly completedTime: string;
  /** ok | warning | breach, or `no baseline` / `no rows` (then `reason` says why). */
  readonly status: string;
  readonly rows?: number;
  readonly threshold?: { readonly psiWarning: number; readonly psiBreach: number };
  readonly reason?: string;
  readonly features: readonly DriftHistoryFeature[];
}

export interface DriftHistoryQuery {
  /** ISO times bounding the records' completion time (inclusive). */
  readonly from?: string;
  readonly to?: string;
  /** The latest `top` records. */
  readonly top: number;
}

/**
 * A model's drift records over time, oldest first: the latest `top` of them between `from` and `to`.
 * Read from the `drift` table (one partition per record), so it needs no manifest.
 */
export async function readDriftHistory(
  store: DriftStore,
  model: string,
  query: DriftHistoryQuery,
): Promise<DriftHistoryRecord[]> {
  const groups = new Map<string, Record<string, unknown>[]>();
  for (const row of await store.rowsOfModel(model, query)) {
    const key = String(row.partitionKey);
    const group = groups.get(key) ?? [];
    group.push(row);
    groups.set(key, group);
  }
  const records: DriftHistoryRecord[] = [];
  for (const [id, rows] of groups) {
    const head = rows.find((row) => row.rowKey === 'job' || row.rowKey === 'window');
    if (head === undefined) continue;
    records.push(recordOf(id, head, rows));
  }
  records.sort((a, b) => a.completedTime.localeCompare(b.completedTime) || a.id.localeCompare(b.id));
  return records.slice(-query.top);
}

function recordOf(
  id: string,
  head: Record<string, unknown>,
  rows: readonly Record<string, unknown>[],
): DriftHistoryRecord {
  const features: DriftHistoryFeature[] = [];
  for (const row of rows) {
    const rowKey = String(row.rowKey);
    const kind = rowKey.startsWith('feature:')
      ? 'input'
      : rowKey.startsWith('prediction:')
        ? 'prediction'
        : undefined;
    if (kind === undefined) continue;
    features.push({
      name: typeof row.feature === 'string' ? row.feature : typeof row.output === 'string' ? row.output : '',
      kind,
      psi: Number(row.psi),
      ...(typeof row.ks === 'number' ? { ks: row.ks } : {}),
      status: String(row.status),
    });
  }
  return {
    source: head.rowKey === 'window' ? 'window' : 'job',
    id: typeof head.jobId === 'string' ? head.jobId : typeof head.windowId === 'string' ? head.windowId : id,
    ...(typeof head.modelVersion === 'number' ? { modelVersion: head.modelVersion } : {}),
    completedTime: String(head.completedTime),
    status: String(head.status),
    ...(typeof head.rows === 'number' ? { rows: head.rows } : {}),
    ...(typeof head.psiWarning === 'number' && typeof head.psiBreach === 'number'
      ? { threshold: { psiWarning: head.psiWarning, psiBreach: head.psiBreach } }
      : {}),
    ...(typeof head.reason === 'string' ? { reason: head.reason } : {}),
    features,
  };
}
