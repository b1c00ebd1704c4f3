import { EventEmitter } from 'node:events';
import type { EventToSend, StoredEvent } from './EventHubEvent';
import type { EventHubLog } from './EventHubLog';

/** An event hub that the directory does not hold; the message lists the ones it does and how to add one. */
export class UnknownEventHubError extends Error {
  override name = 'UnknownEventHubError';
}

export interface HubDirectoryOptions {
  /** The hubs that exist (names as declared); others are refused. */
  readonly hubs: readonly string[];
  /** Opens (creating if needed) a hub's log in storage. */
  readonly openLog: (hub: string) => Promise<EventHubLog>;
  /** How a user declares another hub, for the error that names an unknown one. */
  readonly howToAddHub: string;
}

/**
 * The event hubs one endpoint serves, each backed by its durable log: opens each log once, and tells
 * waiting readers in this process when a partition got new events, so a consumer sees them at once
 * instead of at its next poll (writers in other processes are seen by polling).
 */
export class HubDirectory {
  readonly #logs = new Map<string, Promise<EventHubLog>>();
  readonly #opened = new Map<string, EventHubLog>();
  readonly #appended = new EventEmitter().setMaxListeners(0);

  constructor(private readonly options: HubDirectoryOptions) {}

  /** The declared hub names. */
  hubNames(): string[] {
    return [...this.options.hubs];
  }

  /** Throws UnknownEventHubError, naming the declared hubs, unless `hub` is one of them (case-insensitive). */
  check(hub: string): string {
    const declared = this.options.hubs.find((name) => name.toLowerCase() === hub.toLowerCase());
    if (declared) return declared;
    const known = this.options.hubs.length ? this.options.hubs.map((name) => `'${name}'`).join(', ') : 'none';
    throw new UnknownEventHubError(
      // The service's wording, which the Event Hubs SDKs turn into MessagingEntityNotFoundError.
      `The messaging entity '${hub}' could not be found: this endpoint has the event hubs ${known}. ${this.options.howToAddHub}`,
    );
  }

  /** The log of a declared hub. */
  async open(hub: string): Promise<EventHubLog> {
    const declared = this.check(hub);
    const key = declared.toLowerCase();
    let log = this.#logs.get(key);
    if (!log) {
      log = this.options.openLog(declared);
      log.then((opened) => this.#opened.set(key, opened)).catch(() => undefined);
      // A failed open (storage down) is tried again by the next caller.
      log.catch(() => this.#logs.delete(key));
      this.#logs.set(key, log);
    }
    return log;
  }

  /** Opens every declared hub's log, so that links can be checked against them as they attach. */
  async openAll(): Promise<void> {
    await Promise.all(this.options.hubs.map((hub) => this.open(hub)));
  }

  /** A hub's log if it is open already (see openAll). */
  opened(hub: string): EventHubLog | undefined {
    return this.#opened.get(hub.toLowerCase());
  }

  /** Appends events to one partition of a hub's log and wakes this process's readers of that partition. */
  async append(
    log: EventHubLog,
    partitionId: string,
    events: readonly EventToSend[],
  ): Promise<StoredEvent[]> {
    const stored = await log.append(partitionId, events);
    this.#appended.emit(eventName(log.hub, partitionId));
    return stored;
  }

  /** Resolves when this process appends to the partition, or after `timeoutMs`, or when `signal` aborts. */
  waitForAppend(hub: string, partitionId: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const name = eventName(hub, partitionId);
      const done = () => {
        clearTimeout(timer);
        this.#appended.off(name, done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.#appended.on(name, done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

function eventName(hub: string, partitionId: string): string {
  return `${hub.toLowerCase()}/${partitionId}`;
}
