import { AsyncLocalStorage } from 'node:async_hooks';

const inEntityBatch = new AsyncLocalStorage<true>();
let installed = false;

/**
 * durable-functions records an operation that throws as `JSON.stringify(error)`, which is `{}` for an
 * Error, and the calling orchestration then sees "[object Object]" (durable-js issue 642). So that it
 * sees the message instead, Errors serialized on their own (key "") while an entity batch of this host
 * runs become their message. Anywhere else, and for Errors nested in other values, JSON.stringify
 * behaves as before: returning `this` serializes the Error's own properties, as it would without
 * toJSON. Errors that define their own toJSON keep it.
 */
export function installEntityErrorMessages(): void {
  if (installed || Object.prototype.hasOwnProperty.call(Error.prototype, 'toJSON')) return;
  installed = true;
  Object.defineProperty(Error.prototype, 'toJSON', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function toJSON(this: Error, key: unknown): unknown {
      return key === '' && inEntityBatch.getStore() ? this.message : this;
    },
  });
}

/** Runs an entity batch's invocation so that its operations' errors keep their messages. */
export function withEntityErrorMessages<T>(run: () => Promise<T>): Promise<T> {
  return inEntityBatch.run(true, run);
}
