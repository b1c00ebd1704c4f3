import { getJson } from '../api';
import { badge, emptyState, facts, formatTime, h, link, section, textOf } from '../dom';
import type { Rendered } from '../router';
import { sortableTable } from '../table';
import type { Instance, InstanceDetail } from '../types';

const statuses = [
  '',
  'Running',
  'Pending',
  'Completed',
  'Failed',
  'Terminated',
  'ContinuedAsNew',
  'Suspended',
];
const filter = { status: '', name: '', days: '7' };
const sort = {};

/** Orchestration instances (the durable client's view), filtered by status and orchestrator name. */
export async function instancesPage(): Promise<Rendered> {
  const query = new URLSearchParams({ days: filter.days, top: '200' });
  if (filter.status) query.set('status', filter.status);
  if (filter.name) query.set('name', filter.name);
  const { instances } = await getJson<{ instances: Instance[] }>(`instances?${query}`);
  const form = h(
    'form',
    {
      class: 'filters',
      id: 'instance-filter',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const data = new FormData(event.target as HTMLFormElement);
        filter.status = (data.get('status') as string | null) ?? '';
        filter.name = ((data.get('name') as string | null) ?? '').trim();
        filter.days = (data.get('days') as string | null) ?? '7';
        dispatchEvent(new HashChangeEvent('hashchange'));
      },
    },
    h(
      'label',
      {},
      'Status ',
      h(
        'select',
        { name: 'status' },
        statuses.map((s) => h('option', { value: s, selected: s === filter.status }, s || 'any')),
      ),
    ),
    h(
      'label',
      {},
      'Orchestrator ',
      h('input', { name: 'name', value: filter.name, placeholder: 'e.g. scoreJob' }),
    ),
    h(
      'label',
      {},
      'Created in the last ',
      h('input', { name: 'days', type: 'number', min: 1, max: 366, value: filter.days, class: 'short' }),
      ' days',
    ),
    h('button', { type: 'submit' }, 'Filter'),
  );
  const body =
    instances.length === 0
      ? emptyState('No orchestration instances match. Start a job, a retrain run or a video to see one.')
      : sortableTable(
          [
            {
              label: 'Instance',
              value: (i) => i.instanceId,
              cell: (i) => link(`#/instances/${encodeURIComponent(i.instanceId)}`, i.instanceId),
            },
            { label: 'Orchestrator', value: (i) => i.name },
            { label: 'Status', value: (i) => i.runtimeStatus, cell: (i) => badge(i.runtimeStatus) },
            { label: 'Created', value: (i) => i.createdTime, cell: (i) => formatTime(i.createdTime) },
            {
              label: 'Last updated',
              value: (i) => i.lastUpdatedTime,
              cell: (i) => formatTime(i.lastUpdatedTime),
            },
          ],
          instances,
          sort,
          { id: 'instances-table' },
        );
  const running = instances.some((i) => i.runtimeStatus === 'Running' || i.runtimeStatus === 'Pending');
  return {
    title: 'Instances',
    node: section('Orchestration instances', form, body),
    refreshMs: running ? 2000 : undefined,
  };
}

/** One instance: status, input and output, and its history event by event. */
export async function instancePage([id = '']: readonly string[]): Promise<Rendered> {
  const instance = await getJson<InstanceDetail>(`instances/${encodeURIComponent(id)}`);
  const started = Date.parse(instance.createdTime);
  const node = h(
    'div',
    {},
    h('h1', {}, h('code', {}, instance.name), ' ', badge(instance.runtimeStatus)),
    section(
      'Instance',
      facts([
        ['Instance id', h('code', {}, instance.instanceId)],
        ['Created', formatTime(instance.createdTime)],
        ['Last updated', formatTime(instance.lastUpdatedTime)],
        ['Custom status', json(instance.customStatus)],
      ]),
    ),
    section(
      'History',
      instance.history.length === 0
        ? emptyState('No history yet.')
        : sortableTable(
            [
              { label: 'When', value: (e) => text(e.Timestamp), cell: (e) => formatTime(text(e.Timestamp)) },
              {
                label: '+s',
                value: (e) => offset(e, started),
                cell: (e) => offset(e, started)?.toFixed(2) ?? '—',
                numeric: true,
              },
              { label: 'Event', value: (e) => text(e.EventType) },
              { label: 'Name', value: (e) => text(e.FunctionName) ?? text(e.Name) },
              {
                label: 'Scheduled',
                value: (e) => text(e.ScheduledTime),
                cell: (e) => formatTime(text(e.ScheduledTime)),
              },
              {
                label: 'Result',
                value: () => undefined,
                cell: (e) => json(e.Result ?? e.Reason ?? e.Details ?? e.Input),
              },
            ],
            instance.history,
            {},
            { id: 'history-table' },
          ),
    ),
    section('Input', json(instance.input)),
    section('Output', json(instance.output)),
  );
  const running = instance.runtimeStatus === 'Running' || instance.runtimeStatus === 'Pending';
  return { title: `Instance ${instance.instanceId}`, node, refreshMs: running ? 1500 : undefined };
}

const text = textOf;

function offset(event: Record<string, unknown>, started: number): number | undefined {
  const time = Date.parse(text(event.Timestamp) ?? '');
  return Number.isFinite(time) && Number.isFinite(started) ? (time - started) / 1000 : undefined;
}

/** A value as indented JSON (a string that holds JSON is parsed first), in a folded block when long. */
function json(value: unknown): HTMLElement | string {
  if (value === undefined || value === null || value === '') return '—';
  let shown: unknown = value;
  if (typeof value === 'string') {
    try {
      shown = JSON.parse(value) as unknown;
    } catch {
      return h('span', { class: 'mono' }, value);
    }
  }
  const textValue = JSON.stringify(shown, null, 2);
  if (textValue.length < 80) return h('code', {}, textValue);
  return h(
    'details',
    {},
    h('summary', {}, `${textValue.split('\n').length} lines`),
    h('pre', { class: 'json' }, textValue),
  );
}
