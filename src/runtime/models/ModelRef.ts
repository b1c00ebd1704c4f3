import { ValidationError } from '../../errors';
import { describeValue } from '../formats/describeValue';
import { modelNamePattern } from './ModelCard';

/** A model reference: `name`, `name@7` (a version), `name@production` (a stage) or `name@latest`. */
export interface ModelRef {
  readonly name: string;
  readonly version?: number;
  readonly stage?: string;
}

/** What to resolve: a reference, optionally with tags that must all match (the latest such version). */
export interface ModelQuery extends ModelRef {
  readonly tags?: Readonly<Record<string, string>>;
}

// The selectors a reference can name one version by: a stage holds several versions (Archived, None).
const stageSelector = /^(latest|production|staging)$/i;

/** Why `text` is not a model reference, or undefined when it is one. */
export function modelRefProblem(text: string): string | undefined {
  const at = text.indexOf('@');
  const name = at < 0 ? text : text.slice(0, at);
  const selector = at < 0 ? undefined : text.slice(at + 1);
  if (!modelNamePattern.test(name))
    return 'the name must be letters, digits, ".", "_" or "-", starting with a letter or digit (at most 128 characters)';
  if (selector === undefined || stageSelector.test(selector)) return undefined;
  if (/^[0-9]+$/.test(selector) && Number.isSafeInteger(Number(selector)) && Number(selector) > 0)
    return undefined;
  return 'after "@" give a version (a positive integer), latest, production or staging';
}

/** Parses `name`, `name@<version>` or `name@<stage>`; a bad reference is a ValidationError on `field`. */
export function parseModelRef(text: string, field = 'model'): ModelRef {
  const problem = modelRefProblem(text);
  // The reference is quoted short: it may come from anywhere (blob metadata, a URL) at any length.
  if (problem !== undefined)
    throw new ValidationError(`Model reference ${describeValue(text)}: ${problem}`, { field });
  const at = text.indexOf('@');
  if (at < 0) return { name: text };
  const name = text.slice(0, at);
  const selector = text.slice(at + 1);
  return /^[0-9]+$/.test(selector) ? { name, version: Number(selector) } : { name, stage: selector };
}

/** `name@version` for messages and manifests. */
export function formatModelRef(ref: ModelRef): string {
  if (ref.version !== undefined) return `${ref.name}@${ref.version}`;
  return ref.stage === undefined ? ref.name : `${ref.name}@${ref.stage}`;
}
