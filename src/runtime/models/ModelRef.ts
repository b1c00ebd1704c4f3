import { ValidationError } from '../../errors';
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

/** Parses `name`, `name@<version>` or `name@<stage>`; a bad reference is a ValidationError on `field`. */
export function parseModelRef(text: string, field = 'model'): ModelRef {
  const at = text.indexOf('@');
  const name = at < 0 ? text : text.slice(0, at);
  const selector = at < 0 ? undefined : text.slice(at + 1);
  if (!modelNamePattern.test(name)) {
    throw new ValidationError(
      `Model reference "${text}": the name must be letters, digits, ".", "_" or "-", starting with a letter or digit`,
      { field },
    );
  }
  if (selector === undefined) return { name };
  if (/^[0-9]+$/.test(selector) && Number(selector) > 0) return { name, version: Number(selector) };
  if (/^[a-z][a-z0-9-]*$/i.test(selector)) return { name, stage: selector };
  throw new ValidationError(
    `Model reference "${text}": after "@" give a version (a positive integer) or a stage (e.g. production)`,
    { field },
  );
}

/** `name@version` for messages and manifests. */
export function formatModelRef(ref: ModelRef): string {
  if (ref.version !== undefined) return `${ref.name}@${ref.version}`;
  return ref.stage === undefined ? ref.name : `${ref.name}@${ref.stage}`;
}
