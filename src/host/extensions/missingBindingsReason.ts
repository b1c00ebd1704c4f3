import { extensionForBindingType } from './bindingExtensions';

/** A binding of the app that no extension of the host provides. */
export interface MissingBinding {
  readonly type: string;
  readonly role: 'trigger' | 'input binding' | 'output binding';
}

/**
 * Why a function is disabled, e.g. "the host has no 'twilioSms' output binding; run this function on
 * Azure or with Core Tools and the Twilio extension".
 */
export function missingBindingsReason(missing: readonly MissingBinding[]): string {
  const what = missing.map(({ type, role }) => `no '${type}' ${role}`).join(' and ');
  const extensions = [...new Set(missing.map(({ type }) => extensionForBindingType(type)))];
  const known = extensions.filter((name): name is string => name !== undefined);
  const needed =
    known.length === extensions.length
      ? `the ${known.join(' and ')} extension${known.length > 1 ? 's' : ''}`
      : 'the extension that provides it';
  return `the host has ${what}; run this function on Azure or with Core Tools and ${needed}`;
}
