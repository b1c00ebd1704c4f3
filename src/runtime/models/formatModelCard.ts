import type { ModelCard } from './ModelCard';

const lineWidth = 110;

/**
 * A model card as JSON laid out the way Prettier lays it out (objects one key a line, short arrays of
 * numbers or strings on one line), so that generated cards pass `prettier --check` unchanged.
 */
export function formatModelCard(card: ModelCard): string {
  return `${formatValue(card, '', 0)}\n`;
}

function formatValue(value: unknown, indent: string, prefixLength: number): string {
  if (Array.isArray(value)) return formatArray(value, indent, prefixLength);
  if (value !== null && typeof value === 'object')
    return formatObject(value as Record<string, unknown>, indent);
  return JSON.stringify(value) ?? 'null';
}

function formatObject(value: Record<string, unknown>, indent: string): string {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  const inner = `${indent}  `;
  const lines = entries.map(([key, v]) => {
    const prefix = `${inner}${JSON.stringify(key)}: `;
    return `${prefix}${formatValue(v, inner, prefix.length)}`;
  });
  return `{\n${lines.join(',\n')}\n${indent}}`;
}

function formatArray(value: unknown[], indent: string, prefixLength: number): string {
  if (value.length === 0) return '[]';
  const primitive = value.every((item) => item === null || typeof item !== 'object');
  const inline = `[${value.map((item) => JSON.stringify(item) ?? 'null').join(', ')}]`;
  // +1 for the comma that may follow.
  if (primitive && prefixLength + inline.length + 1 <= lineWidth) return inline;
  const inner = `${indent}  `;
  return `[\n${value.map((item) => `${inner}${formatValue(item, inner, inner.length)}`).join(',\n')}\n${indent}]`;
}
