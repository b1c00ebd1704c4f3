import { HostConfigurationError } from '../../errors';
import { matchPathPattern } from '../../settings/resolveBindingExpressions';

/** A blob trigger's `path` (`container/name-pattern`), split the way the host splits it. */
export interface BlobTriggerPath {
  readonly container: string;
  /** The blob name pattern, e.g. `{folder}/{name}.csv`; empty means every blob of the container. */
  readonly namePattern: string;
  /** The literal start of the name pattern, used as the listing prefix. */
  readonly prefix: string;
  /** The path parameters of a matching blob name, or undefined when the name does not match. */
  match(blobName: string): Record<string, string> | undefined;
}

const containerNamePattern = /^(\$root|[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9])$/;

/** Parses `samples-workitems/{name}` or `input/{folder}/{name}.csv`; `%SETTING%`s are already resolved. */
export function parseBlobTriggerPath(path: string, usedBy: string): BlobTriggerPath {
  const trimmed = path.trim().replace(/^\/+/, '');
  const slash = trimmed.indexOf('/');
  const container = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const namePattern = slash < 0 ? '' : trimmed.slice(slash + 1);
  if (container.includes('{')) {
    throw new HostConfigurationError(
      `${usedBy}: the blob trigger path "${path}" has an {expression} in its container name; only the blob name may contain {expressions}.`,
    );
  }
  if (!containerNamePattern.test(container)) {
    throw new HostConfigurationError(
      `${usedBy}: "${container}" (from the path "${path}") is not a valid container name: use 3-63 lowercase letters, digits and single dashes.`,
    );
  }
  const brace = namePattern.indexOf('{');
  const prefix = brace < 0 ? namePattern : namePattern.slice(0, brace);
  return {
    container,
    namePattern,
    prefix,
    match: (blobName) => {
      if (namePattern === '') return {};
      // A pattern without {expressions} names one blob, as in the real host.
      return matchPathPattern(namePattern, blobName);
    },
  };
}
