import type { FunctionsCore } from './core/FunctionsCore';
import type { AppFunction, DisabledFunction, ResolvedBinding } from './HostExtension';
import type { AppSettings } from './settings/AppSettings';
import { resolveBindingSettings } from './settings/resolveBindingExpressions';
import { HostConfigurationError } from './errors';
import { missingBindingsReason, type MissingBinding } from './extensions/missingBindingsReason';

/** The binding types the host's extensions provide. */
export interface SupportedBindings {
  trigger(type: string): boolean;
  binding(type: string): boolean;
}

export interface LoadedApp {
  /** The functions the host runs, with settings resolved. */
  readonly functions: AppFunction[];
  /** The functions it cannot run (a binding no extension provides), with the reason. */
  readonly disabled: DisabledFunction[];
}

/**
 * Loads the app's entry files (registering its functions). A function with a trigger or binding the
 * host does not provide is disabled rather than stopping the app, as the Functions host disables a
 * function whose binding extension is missing; its `%SETTING%` values are not looked up.
 */
export function loadAppFunctions(
  core: FunctionsCore,
  entryFiles: readonly string[],
  settings: AppSettings,
  supported: SupportedBindings,
): LoadedApp {
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
  const loaded: LoadedApp = { functions: [], disabled: [] };
  for (const registered of core.functions()) {
    const name = registered.metadata.name;
    const declared: ResolvedBinding[] = Object.entries(registered.metadata.bindings).map(
      ([bindingName, binding]) => ({ ...binding, name: bindingName, type: String(binding.type ?? '') }),
    );
    const trigger = declared.find((binding) => binding.direction === 'in' && /trigger$/i.test(binding.type));
    if (!trigger) throw new HostConfigurationError(`Function '${name}' has no trigger binding.`);
    const missing = missingBindings(declared, trigger, supported);
    if (missing.length > 0) {
      loaded.disabled.push({ name, trigger, bindings: declared, reason: missingBindingsReason(missing) });
      continue;
    }
    const bindings = declared.map((binding) =>
      resolveBindingSettings(binding, settings, `Function '${name}' (binding "${binding.name}")`),
    );
    const resolvedTrigger = bindings[declared.indexOf(trigger)]!;
    loaded.functions.push({
      name,
      registered,
      trigger: resolvedTrigger,
      inputs: bindings.filter((binding) => binding !== resolvedTrigger && binding.direction !== 'out'),
      outputs: bindings.filter((binding) => binding.direction === 'out' || binding.direction === 'inout'),
    });
  }
  return loaded;
}

function missingBindings(
  declared: readonly ResolvedBinding[],
  trigger: ResolvedBinding,
  supported: SupportedBindings,
): MissingBinding[] {
  return declared.flatMap((binding): MissingBinding[] => {
    if (binding === trigger)
      return supported.trigger(binding.type) ? [] : [{ type: binding.type, role: 'trigger' }];
    if (supported.binding(binding.type)) return [];
    return [{ type: binding.type, role: binding.direction === 'out' ? 'output binding' : 'input binding' }];
  });
}
