import { EventHubProducerClient, type EventData } from '@azure/event-hubs';
import { InvalidEventsError } from '../../../eventHubs/EventHubEvent';

/**
 * `eventHub` outputs to Event Hubs namespaces: one EventHubProducerClient per connection and hub, kept
 * for the host's lifetime (as the extension caches its producers), closed when the host stops.
 */
export class SdkEventHubProducers {
  readonly #clients = new Map<string, EventHubProducerClient>();

  /**
   * Sends the bodies in order, in as few batches as fit. Text goes as UTF-8 bytes, as the Functions host
   * sends a string, so consumers read what the function returned (JSON text stays JSON, not quoted).
   */
  async send(connectionString: string, hub: string, bodies: readonly (string | Buffer)[]): Promise<void> {
    const client = this.#client(connectionString, hub);
    let batch = await client.createBatch();
    for (const [index, body] of bodies.entries()) {
      const event: EventData = { body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body };
      if (batch.tryAdd(event)) continue;
      if (batch.count > 0) {
        await client.sendBatch(batch);
        batch = await client.createBatch();
        if (batch.tryAdd(event)) continue;
      }
      throw new InvalidEventsError(
        `Event ${index} for event hub '${hub}' is larger than the namespace takes in one batch (${batch.maxSizeInBytes} bytes).`,
      );
    }
    if (batch.count > 0) await client.sendBatch(batch);
  }

  async close(): Promise<void> {
    const clients = [...this.#clients.values()];
    this.#clients.clear();
    await Promise.all(clients.map((client) => client.close()));
  }

  #client(connectionString: string, hub: string): EventHubProducerClient {
    // Event hub names are case-insensitive.
    const key = `${connectionString}\n${hub.toLowerCase()}`;
    let client = this.#clients.get(key);
    if (!client) {
      client = new EventHubProducerClient(connectionString, hub);
      this.#clients.set(key, client);
    }
    return client;
  }
}
