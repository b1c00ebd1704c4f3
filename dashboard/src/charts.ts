import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from './dom';

const palette = [
  '#2563eb',
  '#d97706',
  '#059669',
  '#7c3aed',
  '#db2777',
  '#0891b2',
  '#65a30d',
  '#9333ea',
  '#ea580c',
  '#475569',
];
const breachColour = '#dc2626';
const warningColour = '#d97706';

export function colourOf(index: number): string {
  return palette[index % palette.length]!;
}

function chartWidth(): number {
  const view = document.getElementById('view');
  return Math.max(320, Math.min(1100, (view?.clientWidth ?? 900) - 48));
}

/** A chart's frame: the test and the reader see what it draws (`data-points`). */
function frame(kind: string, points: number): HTMLElement {
  return h('div', { class: 'chart', 'data-chart': kind, 'data-points': points });
}

export interface LineSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
}

export interface LineChartOptions {
  readonly kind: string;
  readonly x: readonly number[];
  readonly series: readonly LineSeries[];
  /** x is seconds since the epoch (shown as times) rather than plain numbers (versions). */
  readonly time?: boolean;
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Horizontal lines across the chart (PSI thresholds). */
  readonly thresholds?: readonly { label: string; value: number; level: 'warning' | 'breach' }[];
  /** `asinh`: linear near zero and logarithmic above, so small values stay readable beside large ones. */
  readonly yScale?: 'linear' | 'asinh';
  /** Points drawn as red rings (breaches). */
  readonly highlight?: (series: number, index: number) => boolean;
}

/** Lines over x (time or versions), with optional thresholds and highlighted points. */
export function lineChart(given: LineChartOptions): HTMLElement {
  const options = widenSinglePoint(given);
  const points = options.series.reduce((sum, s) => sum + s.values.filter((v) => v !== null).length, 0);
  const container = frame(options.kind, points);
  const thresholdSeries = (options.thresholds ?? []).map((t) => ({
    label: t.label,
    values: options.x.map(() => t.value),
    stroke: t.level === 'breach' ? breachColour : warningColour,
  }));
  const data = [
    [...options.x],
    ...options.series.map((s) => [...s.values]),
    ...thresholdSeries.map((t) => t.values),
  ] as uPlot.AlignedData;
  const highlight = options.highlight;
  new uPlot(
    {
      width: chartWidth(),
      height: 280,
      scales: {
        x: { time: options.time ?? false },
        ...(options.yScale === 'asinh' ? { y: { distr: 4, asinh: 0.05 } } : {}),
      },
      axes: [
        { label: options.xLabel, ...(options.time ? {} : { incrs: [1, 2, 5, 10, 20, 50, 100] }) },
        { label: options.yLabel },
      ],
      series: [
        { label: options.xLabel ?? 'x' },
        ...options.series.map((s, i) => ({
          label: s.label,
          stroke: colourOf(i),
          width: 2,
          points: { show: true, size: 6 },
          spanGaps: true,
        })),
        ...thresholdSeries.map((t) => ({
          label: t.label,
          stroke: t.stroke,
          width: 1,
          dash: [6, 4],
          points: { show: false },
        })),
      ],
      hooks: highlight
        ? {
            draw: [
              (u: uPlot) => {
                const ctx = u.ctx;
                ctx.save();
                ctx.strokeStyle = breachColour;
                ctx.lineWidth = 2.5 * devicePixelRatio;
                options.series.forEach((s, si) =>
                  s.values.forEach((value, i) => {
                    if (value === null || !highlight(si, i)) return;
                    const x = u.valToPos(options.x[i]!, 'x', true);
                    const y = u.valToPos(value, 'y', true);
                    ctx.beginPath();
                    ctx.arc(x, y, 7 * devicePixelRatio, 0, 2 * Math.PI);
                    ctx.stroke();
                  }),
                );
                ctx.restore();
              },
            ],
          }
        : {},
    },
    data,
    container,
  );
  return container;
}

/** One x (one hour of feedback, one version) gets empty neighbours: the axis spans them, not years. */
function widenSinglePoint(options: LineChartOptions): LineChartOptions {
  if (options.x.length !== 1) return options;
  const x = options.x[0]!;
  const step = options.time ? 3600 : 1;
  return {
    ...options,
    x: [x - step, x, x + step],
    series: options.series.map((s) => ({ ...s, values: [null, ...s.values, null] })),
    highlight: options.highlight && ((series, index) => index === 1 && options.highlight!(series, 0)),
  };
}

export interface TimelineBar {
  readonly label: string;
  /** Seconds since the epoch. */
  readonly start: number;
  readonly end: number;
  readonly status: string;
}

/** One horizontal bar per partition, from its start to its end (or now, while it runs). */
export function timelineChart(bars: readonly TimelineBar[]): HTMLElement {
  const container = frame('timeline', bars.length);
  const first = Math.min(...bars.map((b) => b.start));
  const last = Math.max(...bars.map((b) => b.end));
  const height = Math.min(420, 90 + bars.length * 18);
  new uPlot(
    {
      width: chartWidth(),
      height,
      scales: {
        x: { time: false, range: () => [0, Math.max(0.001, last - first) * 1.02] },
        y: { range: () => [-0.5, bars.length - 0.5], dir: -1 },
      },
      axes: [
        { label: 'seconds since the first partition started' },
        {
          label: 'partition',
          incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500],
          values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : '')),
        },
      ],
      legend: { show: false },
      cursor: { show: false },
      series: [{}, { stroke: 'transparent', points: { show: false } }],
      hooks: {
        draw: [
          (u: uPlot) => {
            const ctx = u.ctx;
            ctx.save();
            const thickness = Math.max(2, Math.abs(u.valToPos(0.7, 'y', true) - u.valToPos(0, 'y', true)));
            bars.forEach((bar, i) => {
              const x0 = u.valToPos(bar.start - first, 'x', true);
              const x1 = Math.max(x0 + 2, u.valToPos(bar.end - first, 'x', true));
              const y = u.valToPos(i, 'y', true);
              ctx.fillStyle =
                bar.status === 'Failed'
                  ? breachColour
                  : bar.status === 'Running'
                    ? warningColour
                    : palette[0]!;
              ctx.fillRect(x0, y - thickness / 2, x1 - x0, thickness);
            });
            ctx.restore();
          },
        ],
      },
    },
    [
      [0, Math.max(0.001, last - first)],
      [null, null],
    ],
    container,
  );
  return container;
}
