import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../../errors';

/** How one kind of declaration file (a stream, a scheduled data set) is read and told apart. */
export interface JsonDeclarationKind<T> {
  /** What a file is called in errors, e.g. `Stream definition`. */
  readonly what: string;
  /** Parses one file's JSON; `shown` is `<folder>/<file>`, for its errors. */
  readonly parse: (json: unknown, shown: string) => T;
  /** The name two declarations may not share (compared ignoring case). */
  readonly keyOf: (declaration: T) => string;
  /** The error for a declaration whose key `other` (a file) already declared. */
  readonly duplicate: (declaration: T, shown: string, other: string) => ValidationError;
}

/**
 * Reads every `*.json` in `directory` (none when the folder does not exist), in name order. A file that
 * is not JSON, a bad declaration or a key declared twice is a ValidationError naming the file.
 */
export function loadJsonDeclarations<T>(directory: string, kind: JsonDeclarationKind<T>): T[] {
  let files: string[];
  try {
    files = readdirSync(directory).filter((file) => file.endsWith('.json'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const declarations: T[] = [];
  const fileOf = new Map<string, string>();
  for (const file of files.sort()) {
    const shown = `${path.basename(directory)}/${file}`;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path.join(directory, file), 'utf8'));
    } catch (error) {
      throw new ValidationError(`${kind.what} ${shown} is not JSON: ${(error as Error).message}`, {
        field: '(file)',
      });
    }
    const declaration = kind.parse(json, shown);
    const key = kind.keyOf(declaration).toLowerCase();
    const other = fileOf.get(key);
    if (other !== undefined) throw kind.duplicate(declaration, shown, other);
    fileOf.set(key, shown);
    declarations.push(declaration);
  }
  return declarations;
}
