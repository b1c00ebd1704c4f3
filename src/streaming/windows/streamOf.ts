import { NotFoundError } from '../../errors';
import type { StreamDefinition } from '../StreamDefinition';
import type { StreamingServices } from '../StreamingServices';

/** The definition of the stream an orchestration names (definitions are deployed with the app). */
export function streamOf(name: string, services: StreamingServices): StreamDefinition {
  const stream = services.definitions.find((definition) => definition.name === name);
  if (!stream?.window) throw new NotFoundError(`No window stream named "${name}" in this app.`);
  return stream;
}
