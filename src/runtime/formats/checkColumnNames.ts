import { ValidationError } from '../../errors';

/** Rejects empty and duplicate column names, which would make the column mapping ambiguous. */
export function checkColumnNames(names: readonly string[], file?: string): void {
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    if (name.length === 0) {
      throw new ValidationError(`column ${i + 1} of the header has an empty name`, {
        field: `column ${i + 1}`,
        file,
      });
    }
    const first = seen.get(name);
    if (first !== undefined) {
      throw new ValidationError(`duplicate column name "${name}" (columns ${first + 1} and ${i + 1})`, {
        field: name,
        file,
      });
    }
    seen.set(name, i);
  });
}
