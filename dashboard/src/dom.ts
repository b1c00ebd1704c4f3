type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/** An element with attributes (`on…` ones become listeners) and children; text is never parsed as HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });

/** 12,345 for whole numbers, up to four decimals otherwise; an em dash for nothing. */
export function formatNumber(value: number | undefined | null): string {
  if (value === undefined || value === null || Number.isNaN(value)) return '—';
  return Number.isInteger(value) ? integer.format(value) : decimal.format(value);
}

/** A time as the reader's local date and time, to the second. */
export function formatTime(value: string | undefined | null): string {
  if (!value) return '—';
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? value : time.toLocaleString('en-GB', { hour12: false });
}

/** 850 ms, 12.3 s, 4 min 05 s. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/** A coloured label for a status (Succeeded, Running, breach, ...). */
export function badge(status: string | undefined): HTMLElement {
  const text = status ?? 'unknown';
  return h('span', { class: `badge badge-${text.toLowerCase()}` }, text);
}

/** A progress bar with its figure in words beside it. */
export function progressBar(done: number, total: number, label: string): HTMLElement {
  const share = total > 0 ? Math.min(1, done / total) : 0;
  const bar = h('span', { class: 'bar-fill' });
  bar.style.width = `${(share * 100).toFixed(1)}%`;
  return h(
    'span',
    { class: 'progress' },
    h('span', { class: 'bar' }, bar),
    h('span', { class: 'progress-text' }, label),
  );
}

export function section(title: string, ...children: (Child | Child[])[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}

/** What an empty list means and what to do about it. */
export function emptyState(message: string): HTMLElement {
  return h('p', { class: 'empty' }, message);
}

/** Label–value pairs in two columns. */
export function facts(pairs: [string, Child | Child[]][]): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    ...pairs.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value ?? '—')]),
  );
}

export function link(href: string, text: string): HTMLAnchorElement {
  return h('a', { href }, text);
}

/** A JSON value as text: strings and numbers as they are, anything else as JSON; nothing as undefined. */
export function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : JSON.stringify(value);
}
