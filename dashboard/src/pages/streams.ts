import { getJson } from '../api';
import { badge, emptyState, facts, formatDuration, formatNumber, formatTime, h, link, section } from '../dom';
import type { Rendered } from '../router';
import { sortableTable } from '../table';
import type { StreamPartition, StreamSummary, StreamWindow } from '../types';

export async function streamsPage(): Promise<Rendered> {
  const { streams } = await getJson<{ streams: StreamSummary[] }>('streams');
  const body =
    streams.length === 0
      ? emptyState(
          'No streams defined. Add a definition to streams/ (STREAMS_DIRECTORY) and restart; see docs/streaming.md.',
        )
      : sortableTable(
          [
            {
              label: 'Stream',
              value: (s) => s.name,
              cell: (s) => link(`#/streams/${encodeURIComponent(s.name)}`, s.name),
            },
            { label: 'Mode', value: (s) => s.mode },
            { label: 'Hub', value: (s) => s.hub },
            { label: 'Model', value: (s) => s.model },
            {
              label: 'Events in',
              value: (s) => s.eventsIn,
              cell: (s) => formatNumber(s.eventsIn),
              numeric: true,
            },
            {
              label: 'Scored',
              value: (s) => s.scoredEvents,
              cell: (s) => formatNumber(s.scoredEvents),
              numeric: true,
            },
            {
              label: 'Bad',
              value: (s) => s.badEvents,
              cell: (s) => formatNumber(s.badEvents),
              numeric: true,
            },
          ],
          streams,
          {},
          { id: 'streams-table' },
        );
  return {
    title: 'Streams',
    node: section('Streams', body),
    refreshMs: streams.length > 0 ? 3000 : undefined,
  };
}

interface StreamView {
  name: string;
  definition: { mode: string; source: { hub: string } };
  model?: unknown;
  lag: number | null;
  lagError?: string;
  eventsIn?: number;
  scoredEvents?: number;
  badEvents?: number;
  partitions: StreamPartition[];
}

/** A stream: lag per partition (refreshed) and its recent windows. */
export async function streamPage([name = '']: readonly string[]): Promise<Rendered> {
  const path = `streams/${encodeURIComponent(name)}`;
  const stream = await getJson<StreamView>(path);
  const windowed = stream.definition.mode !== 'perEvent';
  const windows = windowed
    ? (await getJson<{ windows: StreamWindow[] }>(`${path}/windows?from=${Date.now() - 24 * 3_600_000}`))
        .windows
    : [];
  const node = h(
    'div',
    {},
    h('h1', {}, 'Stream ', h('code', {}, stream.name)),
    section(
      'Summary',
      facts([
        ['Mode', stream.definition.mode],
        ['Hub', stream.definition.source.hub],
        ['Lag (events)', stream.lag === null ? (stream.lagError ?? '—') : formatNumber(stream.lag)],
        ['Events in', formatNumber(stream.eventsIn)],
        ['Scored', formatNumber(stream.scoredEvents)],
        ['Bad', formatNumber(stream.badEvents)],
      ]),
    ),
    section(
      'Partitions',
      stream.partitions.length === 0
        ? emptyState('No partition has been read yet: send events to the hub.')
        : sortableTable(
            [
              { label: 'Partition', value: (p) => p.partitionId },
              {
                label: 'Lag',
                value: (p) => p.lag ?? undefined,
                cell: (p) => formatNumber(p.lag),
                numeric: true,
              },
              {
                label: 'Events in',
                value: (p) => p.eventsIn,
                cell: (p) => formatNumber(p.eventsIn),
                numeric: true,
              },
              {
                label: 'Scored',
                value: (p) => p.scoredEvents,
                cell: (p) => formatNumber(p.scoredEvents),
                numeric: true,
              },
              {
                label: 'Bad',
                value: (p) => p.badEvents,
                cell: (p) => formatNumber(p.badEvents),
                numeric: true,
              },
              {
                label: 'Events/s (last min)',
                value: (p) => p.eventsPerSecond.lastMinute,
                cell: (p) => formatNumber(p.eventsPerSecond.lastMinute),
                numeric: true,
              },
              {
                label: 'Last batch',
                value: (p) => p.lastBatchAt ?? undefined,
                cell: (p) => formatTime(p.lastBatchAt),
              },
            ],
            stream.partitions,
            {},
            { id: 'stream-partitions' },
          ),
    ),
    windowed
      ? section(
          'Recent windows (last 24 h)',
          windows.length === 0
            ? emptyState('No windows in the last 24 hours.')
            : sortableTable(
                [
                  { label: 'Start', value: (w) => w.windowStart, cell: (w) => formatTime(w.windowStart) },
                  { label: 'End', value: (w) => w.windowEnd, cell: (w) => formatTime(w.windowEnd) },
                  { label: 'State', value: (w) => w.state, cell: (w) => badge(w.state) },
                  {
                    label: 'Events',
                    value: (w) => w.eventsIn,
                    cell: (w) => formatNumber(w.eventsIn),
                    numeric: true,
                  },
                  { label: 'Keys', value: (w) => w.keys, cell: (w) => formatNumber(w.keys), numeric: true },
                  {
                    label: 'Scored',
                    value: (w) => w.scoredRows,
                    cell: (w) => formatNumber(w.scoredRows),
                    numeric: true,
                  },
                  {
                    label: 'Alerts',
                    value: (w) => w.alertRows,
                    cell: (w) => formatNumber(w.alertRows),
                    numeric: true,
                  },
                  {
                    label: 'Late',
                    value: (w) => w.lateEvents,
                    cell: (w) => formatNumber(w.lateEvents),
                    numeric: true,
                  },
                  {
                    label: 'Close → commit',
                    value: (w) => w.closeToCommitMs,
                    cell: (w) => formatDuration(w.closeToCommitMs),
                    numeric: true,
                  },
                ],
                [...windows].reverse().slice(0, 100),
                {},
                { id: 'stream-windows' },
              ),
        )
      : null,
  );
  return { title: `Stream ${stream.name}`, node, refreshMs: 3000 };
}
