import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../errors';
import { parseStreamDefinition, type StreamDefinition } from './StreamDefinition';

/**
 * Reads every `*.json` in the streams folder (none when the folder does not exist), in name order.
 * A file that is not JSON, a bad definition or a name used twice is an error naming the file.
 */
export function loadStreamDefinitions(directory: string): StreamDefinition[] {
  let files: string[];
  try {
    files = readdirSync(directory).filter((file) => file.endsWith('.json'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const definitions: StreamDefinition[] = [];
  const fileOf = new Map<string, string>();
  for (const file of files.sort()) {
    const shown = `${path.basename(directory)}/${file}`;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path.join(directory, file), 'utf8'));
    } catch (error) {
      throw new ValidationError(`Stream definition ${shown} is not JSON: ${(error as Error).message}`, {
        field: '(file)',
      });
    }
    const definition = parseStreamDefinition(json, shown);
    const other = fileOf.get(definition.name.toLowerCase());
    if (other !== undefined)
      throw new ValidationError(
        `Stream definition ${shown}: name "${definition.name}" is already the name of ${other} (stream names are unique, ignoring case)`,
        { field: 'name' },
      );
    fileOf.set(definition.name.toLowerCase(), shown);
    definitions.push(definition);
  }
  return definitions;
}
