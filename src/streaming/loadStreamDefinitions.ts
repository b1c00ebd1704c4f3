import { ValidationError } from '../errors';
import { loadJsonDeclarations } from '../runtime/declarations/loadJsonDeclarations';
import { parseStreamDefinition, type StreamDefinition } from './StreamDefinition';

/**
 * Reads every `*.json` in the streams folder (none when the folder does not exist), in name order.
 * A file that is not JSON, a bad definition or a name used twice is an error naming the file.
 */
export function loadStreamDefinitions(directory: string): StreamDefinition[] {
  return loadJsonDeclarations(directory, {
    what: 'Stream definition',
    parse: parseStreamDefinition,
    keyOf: (definition) => definition.name,
    duplicate: (definition, shown, other) =>
      new ValidationError(
        `Stream definition ${shown}: name "${definition.name}" is already the name of ${other} (stream names are unique, ignoring case)`,
        { field: 'name' },
      ),
  });
}
