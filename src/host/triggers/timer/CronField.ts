/** What one position of an NCRONTAB expression may hold. */
export interface CronFieldSpec {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  /** Full names in value order (from `min`); any case-insensitive prefix selects the first match, as in NCrontab. */
  readonly names?: readonly string[];
}

const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const dayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export const cronFieldSpecs = {
  second: { label: 'second', min: 0, max: 59 },
  minute: { label: 'minute', min: 0, max: 59 },
  hour: { label: 'hour', min: 0, max: 23 },
  day: { label: 'day', min: 1, max: 31 },
  month: { label: 'month', min: 1, max: 12, names: monthNames },
  dayOfWeek: { label: 'day-of-week', min: 0, max: 6, names: dayNames },
} as const satisfies Record<string, CronFieldSpec>;

/** A field's text could not be read; the message says which field and why. */
export class CronFieldError extends Error {
  override name = 'CronFieldError';
}

/** The set of values one field of a crontab expression allows. */
export class CronField {
  readonly #allowed: boolean[];

  private constructor(
    readonly spec: CronFieldSpec,
    allowed: boolean[],
  ) {
    this.#allowed = allowed;
  }

  /** Parses `*`, values, names, ranges (`a-b`, reversed ones swapped), steps (`*\/n`, `a-b/n`, `a/n`) and lists. */
  static parse(text: string, spec: CronFieldSpec): CronField {
    const allowed = new Array<boolean>(spec.max + 1).fill(false);
    for (const item of text.split(',')) {
      const { from, to, step } = parseItem(item, spec);
      for (let value = from; value <= to; value += step) allowed[value] = true;
    }
    return new CronField(spec, allowed);
  }

  has(value: number): boolean {
    return this.#allowed[value] === true;
  }

  /** The smallest allowed value ≥ `from`, or undefined. */
  next(from: number): number | undefined {
    for (let value = Math.max(from, this.spec.min); value <= this.spec.max; value++) {
      if (this.#allowed[value]) return value;
    }
    return undefined;
  }

  /** How many values the field allows. */
  get size(): number {
    return this.#allowed.filter(Boolean).length;
  }

  get isEverything(): boolean {
    return this.size === this.spec.max - this.spec.min + 1;
  }
}

function parseItem(item: string, spec: CronFieldSpec): { from: number; to: number; step: number } {
  if (item === '') throw new CronFieldError(`the ${spec.label} field has an empty list entry.`);
  const [base = '', stepText, extra] = item.split('/');
  if (extra !== undefined) throw new CronFieldError(`"${item}" in the ${spec.label} field has two steps.`);
  // NCrontab reads a step of 0 as 1.
  const step = stepText === undefined ? 1 : Math.max(1, parseNumber(stepText, `step in "${item}"`, spec));
  if (base === '*') return { from: spec.min, to: spec.max, step };
  const dash = base.indexOf('-', 1);
  if (dash > 0) {
    const a = parseValue(base.slice(0, dash), spec);
    const b = parseValue(base.slice(dash + 1), spec);
    return { from: Math.min(a, b), to: Math.max(a, b), step };
  }
  const value = parseValue(base, spec);
  // "a/n" means every n-th value from a to the end of the range, as in NCrontab.
  return { from: value, to: stepText === undefined ? value : spec.max, step };
}

function parseValue(text: string, spec: CronFieldSpec): number {
  const value = /^\d/.test(text) ? parseNumber(text, `"${text}"`, spec) : parseName(text, spec);
  if (value < spec.min || value > spec.max) {
    throw new CronFieldError(
      `${value} is out of range for the ${spec.label} field (allowed: ${spec.min}-${spec.max}).`,
    );
  }
  return value;
}

function parseNumber(text: string, what: string, spec: CronFieldSpec): number {
  if (!/^\d+$/.test(text)) throw new CronFieldError(`${what} in the ${spec.label} field is not a number.`);
  return Number(text);
}

function parseName(text: string, spec: CronFieldSpec): number {
  const lower = text.toLowerCase();
  const index =
    text === '' ? -1 : (spec.names?.findIndex((name) => name.toLowerCase().startsWith(lower)) ?? -1);
  if (index < 0) {
    const allowed = spec.names
      ? `a number ${spec.min}-${spec.max} or a name (${spec.names.map((name) => name.slice(0, 3)).join(', ')})`
      : `a number ${spec.min}-${spec.max}`;
    throw new CronFieldError(
      `"${text}" is not a valid value for the ${spec.label} field (expected ${allowed}).`,
    );
  }
  return index + spec.min;
}
