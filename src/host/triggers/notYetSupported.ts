import type { TriggerFactory } from '../HostExtension';
import { HostConfigurationError } from '../errors';

/** A trigger kind the host recognises but does not run yet: the host refuses to start, naming it. */
export function notYetSupported(kind: string): TriggerFactory {
  return (fn) => {
    throw new HostConfigurationError(
      `Function '${fn.name}': ${kind} triggers are not supported by the embedded host yet.`,
    );
  };
}
