import type { AppFunction, ResolvedBinding } from '../HostExtension';
import { HostConfigurationError } from '../errors';

/** How errors name a binding: `Function 'x' (blob output "report")`. */
export function bindingUsage(fn: AppFunction, binding: ResolvedBinding): string {
  const direction = binding.direction === 'out' ? 'output' : 'input';
  return `Function '${fn.name}' (${binding.type} ${direction} "${binding.name}")`;
}

/** A string property the binding must have, or an error naming it. */
export function requiredProperty(binding: ResolvedBinding, property: string, usedBy: string): string {
  const value = binding[property];
  if (typeof value !== 'string' || value === '') {
    throw new HostConfigurationError(`${usedBy} has no "${property}".`);
  }
  return value;
}

/** An optional string property of the binding. */
export function optionalProperty(binding: ResolvedBinding, property: string): string | undefined {
  const value = binding[property];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The binding's `connection` setting name, if any (the host's AzureWebJobsStorage otherwise). */
export function connectionName(binding: ResolvedBinding): string | undefined {
  return optionalProperty(binding, 'connection');
}
