/**
 * An ASP.NET-style route template as Functions uses it: `products/{category:alpha}/{id:int?}`,
 * `{*rest}` catch-all, `{name=default}`. Parameters match one path segment unless catch-all.
 */
export class RouteTemplate {
  readonly #segments: Segment[];
  /** Lower sorts first: literals beat constrained parameters beat plain ones beat catch-alls. */
  readonly precedence: number[];

  constructor(readonly template: string) {
    this.#segments = template
      .split('/')
      .filter((part) => part !== '')
      .map(parseSegment);
    this.precedence = this.#segments.map((segment) => segment.rank);
  }

  match(path: string): Record<string, string> | undefined {
    const parts = path.split('/').filter((part) => part !== '');
    const params: Record<string, string> = {};
    let index = 0;
    for (const segment of this.#segments) {
      if (segment.kind === 'catchAll') {
        const rest = parts.slice(index).map(safeDecode).join('/');
        if (rest !== '') params[segment.name] = rest;
        else if (segment.defaultValue !== undefined) params[segment.name] = segment.defaultValue;
        return params;
      }
      const part = parts[index];
      if (part === undefined) {
        if (segment.kind === 'literal') return undefined;
        if (segment.defaultValue !== undefined) params[segment.name] = segment.defaultValue;
        else if (!segment.optional) return undefined;
        continue;
      }
      if (segment.kind === 'literal') {
        if (part.toLowerCase() !== segment.text.toLowerCase()) return undefined;
      } else {
        const value = safeDecode(part);
        if (!segment.constraints.every((constraint) => constraint(value))) return undefined;
        params[segment.name] = value;
      }
      index++;
    }
    return index === parts.length ? params : undefined;
  }
}

type Segment =
  | { kind: 'literal'; text: string; rank: number }
  | {
      kind: 'parameter' | 'catchAll';
      name: string;
      optional: boolean;
      defaultValue?: string;
      constraints: ((value: string) => boolean)[];
      rank: number;
    };

function parseSegment(part: string): Segment {
  const match = /^\{(\*{1,2})?([A-Za-z_][\w]*)((?::[^=?}]+(?:\([^)]*\))?)*)(\?)?(?:=([^}]*))?\}$/.exec(part);
  if (!match) {
    if (part.includes('{')) throw new Error(`Route segment "${part}" is not a valid route parameter.`);
    return { kind: 'literal', text: part, rank: 0 };
  }
  const [, star, name = '', constraintText = '', optional, defaultValue] = match;
  const constraints = splitConstraints(constraintText).map(parseConstraint);
  const kind = star ? 'catchAll' : 'parameter';
  const rank =
    kind === 'catchAll' ? 4 : optional || defaultValue !== undefined ? 3 : constraints.length > 0 ? 1 : 2;
  return { kind, name, optional: Boolean(optional) || kind === 'catchAll', defaultValue, constraints, rank };
}

function splitConstraints(text: string): string[] {
  const constraints: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === ':' && depth === 0) {
      if (current) constraints.push(current);
      current = '';
      continue;
    }
    if (char === '(') depth++;
    if (char === ')') depth--;
    current += char;
  }
  if (current) constraints.push(current);
  return constraints;
}

function parseConstraint(text: string): (value: string) => boolean {
  const [, name = '', argText] = /^(\w+)(?:\((.*)\))?$/.exec(text) ?? [];
  const args = argText?.split(',').map((arg) => arg.trim()) ?? [];
  const number = (index: number) => Number(args[index]);
  switch (name.toLowerCase()) {
    case 'int':
    case 'long':
      return (value) => /^-?\d+$/.test(value);
    case 'decimal':
    case 'double':
    case 'float':
      return (value) => value.trim() !== '' && Number.isFinite(Number(value));
    case 'bool':
      return (value) => /^(true|false)$/i.test(value);
    case 'alpha':
      return (value) => /^[A-Za-z]+$/.test(value);
    case 'guid':
      return (value) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(value);
    case 'datetime':
      return (value) => !Number.isNaN(Date.parse(value));
    case 'minlength':
      return (value) => value.length >= number(0);
    case 'maxlength':
      return (value) => value.length <= number(0);
    case 'length':
      return args.length === 2
        ? (value) => value.length >= number(0) && value.length <= number(1)
        : (value) => value.length === number(0);
    case 'min':
      return (value) => Number(value) >= number(0);
    case 'max':
      return (value) => Number(value) <= number(0);
    case 'range':
      return (value) => Number(value) >= number(0) && Number(value) <= number(1);
    case 'regex': {
      const regex = new RegExp(argText ?? '');
      return (value) => regex.test(value);
    }
    default:
      throw new Error(`Unknown route constraint "${text}".`);
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
