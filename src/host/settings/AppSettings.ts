import { HostConfigurationError } from '../errors';
import { keyVaultReferenceIn, keyVaultReferencesError } from './keyVaultReferences';

/**
 * App settings as a function app sees them: local.settings.json `Values` under the environment
 * (an environment variable wins, as with Core Tools). Names are matched case-insensitively.
 */
export class AppSettings {
  /** Lower-cased name → [name as written, value]. */
  readonly #values = new Map<string, [string, string]>();

  constructor(localValues: Record<string, string>, environment: NodeJS.ProcessEnv) {
    for (const [name, value] of Object.entries(localValues))
      this.#values.set(name.toLowerCase(), [name, value]);
    for (const [name, value] of Object.entries(environment)) {
      if (value !== undefined) this.#values.set(name.toLowerCase(), [name, value]);
    }
  }

  get(name: string): string | undefined {
    return this.#values.get(name.toLowerCase())?.[1];
  }

  /** The setting's value, or an error that names it and says where to set it. */
  require(name: string, usedBy: string): string {
    const value = this.get(name);
    if (value === undefined || value === '') {
      throw new HostConfigurationError(
        `${usedBy} needs the app setting "${name}", which is not set. Add it to "Values" in local.settings.json or set the environment variable ${name}.`,
      );
    }
    const reference = keyVaultReferenceIn(value);
    if (reference) throw keyVaultReferencesError([{ name, reference }]);
    return value;
  }

  /** Stops start-up if any setting is a Key Vault reference, which only Azure resolves. */
  assertNoKeyVaultReferences(): void {
    const found = [...this.#values.values()].flatMap(([name, value]) => {
      const reference = keyVaultReferenceIn(value);
      return reference ? [{ name, reference }] : [];
    });
    if (found.length > 0) throw keyVaultReferencesError(found.sort((a, b) => a.name.localeCompare(b.name)));
  }

  /** Settings whose names start with the prefix, keyed by the rest of the name as written. */
  withPrefix(prefix: string): Map<string, string> {
    const lower = prefix.toLowerCase();
    const found = new Map<string, string>();
    for (const [key, [name, value]] of this.#values)
      if (key.startsWith(lower)) found.set(name.slice(prefix.length), value);
    return found;
  }
}
