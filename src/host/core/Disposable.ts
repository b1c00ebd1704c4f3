/** The `Disposable` class the core module exports: disposes once, then does nothing. */
export class Disposable {
  #callOnDispose: (() => void) | undefined;

  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((item) => item.dispose()));
  }

  constructor(callOnDispose: () => void) {
    this.#callOnDispose = callOnDispose;
  }

  dispose(): void {
    const callback = this.#callOnDispose;
    this.#callOnDispose = undefined;
    callback?.();
  }
}
