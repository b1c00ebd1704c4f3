import { recommendedBundleRange, type ExtensionBundle } from '../app/ExtensionBundle';
import type { AppFunction, DisabledFunction } from '../HostExtension';
import { isRuntimeBindingType } from './bindingExtensions';

export interface BundleNote {
  readonly level: 'info' | 'warn';
  readonly message: string;
}

/**
 * The start-up line on host.json `extensionBundle`. The host downloads no bundle (its own extensions
 * serve the bindings), so it says so; without a bundle, an app whose bindings need extensions would
 * lose those functions on Azure and under Core Tools, so it warns and says what to add. An app of HTTP
 * and timer functions only needs no bundle: no line.
 */
export function extensionBundleNote(
  bundle: ExtensionBundle | undefined,
  functions: readonly AppFunction[],
  disabled: readonly DisabledFunction[] = [],
): BundleNote | undefined {
  if (bundle) {
    return {
      level: 'info',
      message: `Extension bundle ${bundle.id} ${bundle.version} (host.json) is for Azure and Core Tools; this host downloads nothing: its own extensions serve the bindings.`,
    };
  }
  const needing = [
    ...functions.map((fn) => ({ name: fn.name, types: [fn.trigger, ...fn.inputs, ...fn.outputs] })),
    ...disabled.map((fn) => ({ name: fn.name, types: fn.bindings })),
  ]
    .map(({ name, types }) => ({
      name,
      types: types.map((binding) => binding.type).filter((type) => !isRuntimeBindingType(type)),
    }))
    .filter(({ types }) => types.length > 0);
  if (needing.length === 0) return undefined;
  const types = [...new Set(needing.flatMap((fn) => fn.types))].sort();
  const names = needing.map((fn) => fn.name);
  const listed =
    names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
  return {
    level: 'warn',
    message: `host.json has no extensionBundle: on Azure and under Core Tools the binding types ${types.join(', ')} would not be registered, so ${listed} would not run. Add "extensionBundle": { "id": "Microsoft.Azure.Functions.ExtensionBundle", "version": "${recommendedBundleRange}" } to host.json.`,
  };
}
