import { ValidationError } from '../errors';

export interface DataContainersOptions {
  /** Containers jobs may read: scoring inputs, training sources, many-models datasets. */
  readonly read: readonly string[];
  /** Containers jobs may write their outputs to. */
  readonly write: readonly string[];
  /** The app's own containers (registry, run reports): never a job's input or output. */
  readonly appContainers: readonly string[];
  /** The blob trigger's container: writing there would start another job with every output. */
  readonly watchedContainers: readonly string[];
  /** Names of the settings that hold the lists, for messages. */
  readonly settings: { readonly read: string; readonly write: string };
}

// The Functions host's and the Durable Task hub's own containers (keys, receipts, timer status, Event
// Hubs checkpoints and the local event hubs' logs, large messages, leases): whatever the settings say,
// no job reaches them.
const hostContainerPattern = /^(azure-webjobs-.*|.*-(largemessages|leases|applease))$/;

/**
 * Which containers a job spec, a training source or a dataset may name. Everything a caller with a
 * function key can point a job at goes through here, so a job can never read the host's keys or write
 * into the registry: only the configured data containers, never the host's or the app's own.
 */
export class DataContainers {
  readonly #read: ReadonlySet<string>;
  readonly #write: ReadonlySet<string>;

  constructor(private readonly options: DataContainersOptions) {
    const reserved = (name: string) =>
      hostContainerPattern.test(name) || options.appContainers.includes(name);
    for (const [setting, list] of [
      [options.settings.read, options.read],
      [options.settings.write, options.write],
    ] as const) {
      const bad = list.filter(reserved);
      if (bad.length > 0)
        throw new Error(
          `Invalid app setting ${setting}: ${bad.join(', ')} ${bad.length === 1 ? 'is' : 'are'} the host's or the app's own container(s), which no job may use.`,
        );
    }
    const looping = options.write.filter((name) => options.watchedContainers.includes(name));
    if (looping.length > 0)
      throw new Error(
        `Invalid app setting ${options.settings.write}: ${looping.join(', ')} is watched by the blob trigger, so every output written there would start another job.`,
      );
    this.#read = new Set(options.read);
    this.#write = new Set(options.write);
  }

  /** The containers jobs may read, for messages and docs. */
  get readable(): readonly string[] {
    return [...this.#read];
  }

  get writable(): readonly string[] {
    return [...this.#write];
  }

  /** `container` if jobs may read it, else a ValidationError on `field`. */
  checkRead(container: string, field: string): string {
    if (this.#read.has(container)) return container;
    throw new ValidationError(
      `${field}: container "${container}" is not one jobs may read (${this.options.settings.read}: ${[...this.#read].join(', ') || 'none'}).`,
      { field },
    );
  }

  /** `container` if jobs may write to it, else a ValidationError on `field`. */
  checkWrite(container: string, field: string): string {
    if (this.#write.has(container)) return container;
    throw new ValidationError(
      `${field}: container "${container}" is not one jobs may write to (${this.options.settings.write}: ${[...this.#write].join(', ') || 'none'}).`,
      { field },
    );
  }
}
