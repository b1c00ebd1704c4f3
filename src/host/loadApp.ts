import type { FunctionsCore } from './core/FunctionsCore';
import type { AppFunction, ResolvedBinding } from './HostExtension';
import type { AppSettings } from './settings/AppSettings';
import { resolveBindingSettings } from './settings/resolveBindingExpressions';
import { HostConfigurationError } from './errors';

/** Loads the app's entry files (registering its functions) and returns them with settings resolved. */
export function loadAppFunctions(
  core: FunctionsCore,
  entryFiles: readonly string[],
  settings: AppSettings,
): AppFunction[] {
  for (const file of entryFiles) {
    try {
      // Loaded with CommonJS require, as the Node worker loads entry points, so the core hook applies.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(file);
    } catch (error) {
      const detail =
        error instanceof HostConfigurationError ? error.message : ((error as Error).stack ?? String(error));
      throw new HostConfigurationError(`Worker was unable to load entry point "${file}": ${detail}`);
    }
  }
  core.closeRegistration();
  return core.functions().map((registered) => {
    const name = registered.metadata.name;
    const bindings = Object.entries(registered.metadata.bindings).map(([bindingName, binding]) =>
      resolveBindingSettings(
        { ...binding, name: bindingName, type: String(binding.type ?? '') },
        settings,
        `Function '${name}' (binding "${bindingName}")`,
      ),
    ) as ResolvedBinding[];
    const trigger = bindings.find((binding) => binding.direction === 'in' && /trigger$/i.test(binding.type));
    if (!trigger) throw new HostConfigurationError(`Function '${name}' has no trigger binding.`);
    return {
      name,
      registered,
      trigger,
      inputs: bindings.filter((binding) => binding !== trigger && binding.direction !== 'out'),
      outputs: bindings.filter((binding) => binding.direction === 'out' || binding.direction === 'inout'),
    };
  });
}
