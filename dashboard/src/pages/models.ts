import { getJson } from '../api';
import { emptyState, formatNumber, h, link, section } from '../dom';
import type { Rendered } from '../router';
import { sortableTable } from '../table';
import type { ModelOverview } from '../types';

const sort = {};

export async function modelsPage(): Promise<Rendered> {
  const models = await getJson<ModelOverview[]>('models');
  const body =
    models.length === 0
      ? emptyState(
          'No models registered. Register one with "npx durable-scoring models register <folder>" or POST /api/models/{name}/versions.',
        )
      : sortableTable(
          [
            {
              label: 'Model',
              value: (m) => m.name,
              cell: (m) => link(`#/models/${encodeURIComponent(m.name)}`, m.name),
            },
            {
              label: 'Latest version',
              value: (m) => m.latestVersion,
              cell: (m) => formatNumber(m.latestVersion),
              numeric: true,
            },
            {
              label: 'Production',
              value: (m) => m.production,
              cell: (m) => formatNumber(m.production),
              numeric: true,
            },
            {
              label: 'Staging',
              value: (m) => m.staging,
              cell: (m) => formatNumber(m.staging),
              numeric: true,
            },
            {
              label: '',
              value: () => undefined,
              cell: (m) =>
                h('span', { class: 'links' }, link(`#/drift/${encodeURIComponent(m.name)}`, 'drift')),
            },
          ],
          models,
          sort,
          { id: 'models-table' },
        );
  return { title: 'Models', node: section('Models', body) };
}
