import type { HostServices } from '../../HostExtension';
import { describeError } from '../../errors';
import { checkEventHubName, type EventToSend, type SentEvent } from '../../eventHubs/EventHubEvent';
import type { EventHubLog } from '../../eventHubs/EventHubLog';
import { openEventHubLog } from './eventHubSettings';
import { sendToLog, type EventRouting } from '../../eventHubs/sendEvents';

/** Sends events for the host (its producer endpoint and `eventHub` outputs), opening each hub's log once. */
export class EventHubProducer {
  readonly #logs = new Map<string, Promise<EventHubLog>>();

  constructor(readonly services: HostServices) {}

  async send(hub: string, events: readonly EventToSend[], routing: EventRouting = {}): Promise<SentEvent[]> {
    checkEventHubName(hub, 'Sending events');
    return sendToLog(await this.#log(hub), events, routing);
  }

  /** Applies each hub's retention to the hubs this host has sent to; returns how many events went. */
  async enforceRetention(): Promise<number> {
    let removed = 0;
    for (const log of this.#logs.values()) {
      try {
        removed += await (await log).enforceRetention();
      } catch (error) {
        this.services.log.warn(`Event Hubs retention failed, trying again later: ${describeError(error)}`);
      }
    }
    return removed;
  }

  #log(hub: string): Promise<EventHubLog> {
    const key = hub.toLowerCase();
    let log = this.#logs.get(key);
    if (!log) {
      log = openEventHubLog(this.services, hub);
      // A failed open (storage down) is tried again on the next send.
      log.catch(() => this.#logs.delete(key));
      this.#logs.set(key, log);
    }
    return log;
  }
}
