import { h } from './dom';

/** A column: its header, the value it sorts by, and how a cell shows it. */
export interface Column<T> {
  readonly label: string;
  readonly value: (row: T) => string | number | undefined;
  readonly cell?: (row: T) => Node | string;
  readonly numeric?: boolean;
}

/**
 * A table sorted by a clicked header (numbers as numbers, missing values last); the sort survives the
 * page's refreshes through `state`.
 */
export function sortableTable<T>(
  columns: readonly Column<T>[],
  rows: readonly T[],
  state: { column?: number; descending?: boolean } = {},
  attributes: Record<string, string> = {},
): HTMLTableElement {
  const table = h('table', { class: 'data', ...attributes });
  const render = () => {
    const sorted = [...rows];
    const column = state.column === undefined ? undefined : columns[state.column];
    if (column) {
      const sign = state.descending ? -1 : 1;
      sorted.sort((a, b) => {
        const x = column.value(a);
        const y = column.value(b);
        if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
        return (
          (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * sign
        );
      });
    }
    const head = h(
      'tr',
      {},
      columns.map((col, index) =>
        h(
          'th',
          {
            class: col.numeric ? 'num sortable' : 'sortable',
            'aria-sort': state.column === index ? (state.descending ? 'descending' : 'ascending') : undefined,
            onclick: () => {
              state.descending = state.column === index ? !state.descending : false;
              state.column = index;
              render();
            },
          },
          col.label,
        ),
      ),
    );
    const body = sorted.map((row) =>
      h(
        'tr',
        {},
        columns.map((col) => {
          const value = col.value(row);
          return h(
            'td',
            { class: col.numeric ? 'num' : undefined },
            col.cell ? col.cell(row) : (value ?? '—'),
          );
        }),
      ),
    );
    table.replaceChildren(h('thead', {}, head), h('tbody', {}, body));
  };
  render();
  return table;
}
