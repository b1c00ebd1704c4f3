import type { AddressInfo, Server } from 'node:net';
import {
  create_container,
  type Connection,
  type Delivery,
  type EventContext,
  type Message,
  type Receiver,
  type Sender,
  type ServerConnectionOptions,
} from 'rhea';
import { partitionForKey } from '../partitionForKey';
import type { EventHubLog } from '../EventHubLog';
import type { HubDirectory } from '../HubDirectory';
import { AmqpError, conditions, toAmqpError } from './AmqpError';
import { textOf } from './textOf';
import { unpackDelivery } from './amqpEvents';
import { ConsumerLink } from './ConsumerLink';
import { parseEntityAddress, type EntityAddress } from './entityAddress';
import { readManagement } from './management';
import { ReceiverOwnership } from './ReceiverOwnership';
import { localAttach } from './rheaLinks';
import { claimCovers, verifySasToken, type Claim, type SharedAccessKey } from './sasToken';

export interface EventHubsEndpointOptions {
  /** The port to listen on, on 127.0.0.1 (0 picks a free one). */
  readonly port: number;
  /** The shared access keys a client may sign its tokens with. */
  readonly keys: readonly SharedAccessKey[];
  readonly hubs: HubDirectory;
  readonly log: { info(line: string): void; warn(line: string): void };
  /** How often an idle consumer looks for events other processes wrote (this process's wake it at once). */
  readonly pollMs?: number;
}

/** Event Hubs Standard's largest message (a batch counts as one). */
export const maxMessageBytes = 1024 * 1024;
// Deliveries a publishing link may have in flight (each up to 1 MiB), before it waits for settlements.
const publishCreditWindow = 16;
const sasTokenType = 'servicebus.windows.net:sastoken';

interface ConnectionState {
  readonly claims: Claim[];
  readonly consumers: Set<ConsumerLink>;
  /** Each publishing link's appends, chained so that a link's batches land in the order sent. */
  readonly publishing: WeakMap<Receiver, Promise<void>>;
}

/**
 * An AMQP 1.0 endpoint that speaks the part of the Event Hubs protocol the Event Hubs SDKs use, over the
 * host's durable event logs: SASL ANONYMOUS or PLAIN, SAS tokens put on `$cbs`, `$management` READ of hub
 * and partition properties, publishing to a hub or a partition, and consuming a partition of a consumer
 * group from an offset, sequence number or time, with owner levels. Listens on 127.0.0.1 only.
 */
export class EventHubsEndpoint {
  readonly #connections = new Map<Connection, ConnectionState>();
  readonly #ownership = new ReceiverOwnership();
  readonly #roundRobin = new Map<string, number>();

  private constructor(
    private readonly options: EventHubsEndpointOptions,
    private readonly server: Server,
  ) {}

  /** Starts listening; a port in use is an error that names the port and the setting that moves it. */
  static async start(options: EventHubsEndpointOptions): Promise<EventHubsEndpoint> {
    const container = create_container({ id: 'durable-scoring-eventhubs' });
    const mechanisms = container.sasl_server_mechanisms as {
      enable_anonymous(): void;
      enable_plain(check: (user: string, password: string) => boolean): void;
    };
    mechanisms.enable_anonymous();
    mechanisms.enable_plain((user, password) =>
      options.keys.some((key) => key.name === user && key.key === password),
    );
    const server = container.listen({
      port: options.port,
      host: '127.0.0.1',
      autoaccept: false,
      credit_window: publishCreditWindow,
    } as ServerConnectionOptions);
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'EADDRINUSE'
            ? new Error(
                `The Event Hubs endpoint cannot listen on 127.0.0.1:${options.port}: the port is in use (another Event Hubs emulator or host?). Stop it, or pick another port with DurableScoring__EventHubs__Port (and use it in the connection string's Endpoint=sb://127.0.0.1:<port>).`,
              )
            : error,
        ),
      );
    });
    try {
      await options.hubs.openAll();
    } catch (error) {
      server.close();
      throw error;
    }
    const endpoint = new EventHubsEndpoint(options, server);
    endpoint.#listen(container);
    return endpoint;
  }

  /** The port it listens on. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The connection string an Event Hubs SDK uses for this endpoint (the first key). */
  connectionString(hub?: string): string {
    const key = this.options.keys[0]!;
    return (
      `Endpoint=sb://127.0.0.1:${this.port};SharedAccessKeyName=${key.name};SharedAccessKey=${key.key};UseDevelopmentEmulator=true` +
      (hub ? `;EntityPath=${hub}` : '')
    );
  }

  /** Stops listening and closes every connection; consumers stop sending. */
  async stop(): Promise<void> {
    for (const [connection, state] of this.#connections) {
      for (const consumer of state.consumers) consumer.stop();
      connection.close();
    }
    this.#connections.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #listen(container: ReturnType<typeof create_container>): void {
    container.on('connection_open', (context: EventContext) => {
      this.#connections.set(context.connection, {
        claims: [],
        consumers: new Set(),
        publishing: new WeakMap(),
      });
    });
    const forget = (context: EventContext) => {
      const state = this.#connections.get(context.connection);
      if (!state) return;
      for (const consumer of state.consumers) consumer.stop();
      this.#connections.delete(context.connection);
    };
    container.on('connection_close', forget);
    container.on('disconnected', forget);
    container.on('receiver_open', (context: EventContext) => this.#onPeerSender(context));
    container.on('sender_open', (context: EventContext) => this.#onPeerReceiver(context));
    container.on('message', (context: EventContext) => this.#onMessage(context));
    container.on('error', (error: unknown) =>
      this.options.log.warn(`Event Hubs endpoint: ${(error as Error).message ?? String(error)}`),
    );
    // Peers that go away or misbehave end their own connection; the endpoint keeps serving the others.
    container.on('connection_error', () => undefined);
    // rhea hands the error itself; a TLS ClientHello (16 03 ...) means the client was not told to use plain AMQP.
    container.on('protocol_error', (error: Error) =>
      this.options.log.warn(
        /header for AMQP: 1603/i.test(error.message)
          ? 'Event Hubs endpoint: a client spoke TLS; this endpoint speaks plain AMQP. Put UseDevelopmentEmulator=true in its connection string (WebSockets and Microsoft Entra ID tokens are not served locally).'
          : `Event Hubs endpoint: a client broke the AMQP protocol: ${error.message}`,
      ),
    );
  }

  /** A client attaches a link it sends on: to `$cbs`, `$management`, or a hub to publish. */
  #onPeerSender(context: EventContext): void {
    const receiver = context.receiver!;
    receiver.set_target({ address: String(receiver.target?.address ?? '') });
    localAttach(receiver).max_message_size = maxMessageBytes;
    try {
      const address = parseEntityAddress(receiver.target?.address, 'publish');
      if (address.kind === 'publish') {
        this.#authorize(context.connection, publishPath(address), receiver.name);
        this.options.hubs.check(address.hub);
        // Refused in the same turn as the attach, before the client can send on the link.
        const log = this.options.hubs.opened(address.hub);
        if (log && address.partitionId !== undefined && !log.partitionIds().includes(address.partitionId))
          throw partitionNotFound(log, address.partitionId);
      }
    } catch (error) {
      receiver.close(toAmqpError(error).toAmqp());
    }
  }

  /** A client attaches a link it receives on: the reply link of `$cbs`/`$management`, or a partition to consume. */
  #onPeerReceiver(context: EventContext): void {
    const sender = context.sender!;
    sender.set_source({ address: String(sender.source?.address ?? '') });
    let address: EntityAddress;
    try {
      address = parseEntityAddress(sender.source?.address, 'consume');
      if (address.kind === 'consume') {
        this.#authorize(context.connection, consumePath(address), sender.name);
        this.options.hubs.check(address.hub);
      }
    } catch (error) {
      sender.close(toAmqpError(error).toAmqp());
      return;
    }
    if (address.kind !== 'consume') return;
    const state = this.#connections.get(context.connection);
    if (!state) return;
    const consumer = new ConsumerLink(sender, address, {
      hubs: this.options.hubs,
      ownership: this.#ownership,
      pollMs: this.options.pollMs ?? 250,
      onEnd: () => state.consumers.delete(consumer),
    });
    state.consumers.add(consumer);
    void consumer.start();
  }

  #onMessage(context: EventContext): void {
    const receiver = context.receiver!;
    const delivery = context.delivery!;
    let address: EntityAddress;
    try {
      address = parseEntityAddress(receiver.target?.address, 'publish');
    } catch (error) {
      delivery.reject(toAmqpError(error).toAmqp());
      return;
    }
    if (address.kind === 'cbs') this.#onCbs(context);
    else if (address.kind === 'management') this.#onManagement(context);
    else if (address.kind === 'publish') this.#onPublish(context, receiver, delivery, address);
  }

  /** `put-token` on `$cbs`: checks a SAS token and lets the connection use what it covers until it expires. */
  #onCbs(context: EventContext): void {
    const request = context.message!;
    context.delivery!.accept();
    const properties = (request.application_properties ?? {}) as Record<string, unknown>;
    try {
      if (properties.operation !== 'put-token') {
        throw new AmqpError(
          conditions.notImplemented,
          `The $cbs node supports the operation 'put-token' only, not '${String(properties.operation)}'.`,
          400,
        );
      }
      if (properties.type !== sasTokenType) {
        throw new AmqpError(
          conditions.unauthorized,
          `The local Event Hubs endpoint accepts shared access signatures ('${sasTokenType}') only, not '${String(properties.type)}' tokens: use a connection string with SharedAccessKeyName and SharedAccessKey.`,
          401,
        );
      }
      const claim = verifySasToken(String(request.body), this.options.keys);
      this.#connections.get(context.connection)?.claims.push(claim);
      reply(context, request, 202, 'Accepted');
    } catch (error) {
      const failure = toAmqpError(error);
      reply(context, request, failure.status, failure.description, undefined, failure.condition);
    }
  }

  /** `READ` on `$management`: the hub's or a partition's runtime properties. */
  #onManagement(context: EventContext): void {
    const request = context.message!;
    context.delivery!.accept();
    const properties = (request.application_properties ?? {}) as Record<string, unknown>;
    const hub = textOf(properties.name);
    const token = properties.security_token;
    const authorize = () => {
      if (typeof token === 'string' && token) {
        const claim = verifySasToken(token, this.options.keys);
        if (!claimCovers(claim, hub.toLowerCase())) {
          throw new AmqpError(conditions.unauthorized, `The token does not grant access to '${hub}'.`, 401);
        }
      } else {
        this.#authorize(context.connection, hub.toLowerCase(), '$management');
      }
    };
    readManagement(properties, this.options.hubs, authorize).then(
      (body) => reply(context, request, 200, 'OK', body),
      (error: unknown) => {
        const failure = toAmqpError(error);
        reply(context, request, failure.status, failure.description, undefined, failure.condition);
      },
    );
  }

  /** A batch (or one event) sent to a hub: appended durably to one partition, then accepted. */
  #onPublish(
    context: EventContext,
    receiver: Receiver,
    delivery: Delivery,
    address: Extract<EntityAddress, { kind: 'publish' }>,
  ): void {
    const state = this.#connections.get(context.connection);
    const payload = context.message as unknown as Buffer | Message;
    const format = (delivery as unknown as { format?: number }).format;
    const size = Buffer.isBuffer(payload) ? payload.length : 0;
    const previous = state?.publishing.get(receiver) ?? Promise.resolve();
    const next = previous.then(async () => {
      try {
        if (size > maxMessageBytes) {
          throw new AmqpError(
            conditions.messageTooLarge,
            `The received message (size: ${size} bytes) exceeds the limit (${maxMessageBytes} bytes) currently allowed on the link.`,
            413,
          );
        }
        const batch = unpackDelivery(payload, format);
        const log = await this.options.hubs.open(address.hub);
        const partitionId = this.#route(log, address.partitionId, batch.partitionKey);
        await this.options.hubs.append(log, partitionId, batch.events);
        delivery.accept();
      } catch (error) {
        const failure = toAmqpError(error);
        delivery.reject(failure.toAmqp());
      }
    });
    state?.publishing.set(receiver, next);
  }

  /** The partition a batch goes to: the link's, its key's, else the next in turn. */
  #route(log: EventHubLog, linkPartition: string | undefined, partitionKey: string | undefined): string {
    if (linkPartition !== undefined) {
      if (!log.partitionIds().includes(linkPartition)) throw partitionNotFound(log, linkPartition);
      return linkPartition;
    }
    if (partitionKey !== undefined) return partitionForKey(partitionKey, log.partitionCount);
    const turn = this.#roundRobin.get(log.hub) ?? 0;
    this.#roundRobin.set(log.hub, turn + 1);
    return String(turn % log.partitionCount);
  }

  /** Links need a token (put on `$cbs` over this connection) that covers their entity. */
  #authorize(connection: Connection, path: string, linkName: string): void {
    const claims = this.#connections.get(connection)?.claims ?? [];
    if (!claims.some((claim) => claimCovers(claim, path))) {
      throw new AmqpError(
        conditions.unauthorized,
        `Unauthorized access to '${path}' by link '${linkName}': put a token for it on $cbs first (the Event Hubs SDKs do this from the connection string's SharedAccessKey).`,
        401,
      );
    }
  }
}

/** Sends a request/response reply on the link the request named in `reply_to`. */
function reply(
  context: EventContext,
  request: Message,
  status: number,
  description: string,
  body?: unknown,
  condition?: string,
): void {
  const replyTo = request.reply_to;
  const link = context.connection.find_sender(
    (sender: Sender) => sender.name === replyTo || sender.target?.address === replyTo,
  );
  link?.send({
    correlation_id: request.message_id,
    application_properties: {
      'status-code': status,
      'status-description': description,
      ...(condition ? { 'error-condition': condition } : {}),
    },
    ...(body !== undefined ? { body } : {}),
  } as Message);
}

function publishPath(address: Extract<EntityAddress, { kind: 'publish' }>): string {
  return (
    address.partitionId === undefined ? address.hub : `${address.hub}/partitions/${address.partitionId}`
  ).toLowerCase();
}

function consumePath(address: Extract<EntityAddress, { kind: 'consume' }>): string {
  return `${address.hub}/consumergroups/${address.consumerGroup}/partitions/${address.partitionId}`.toLowerCase();
}

function partitionNotFound(log: EventHubLog, partitionId: string): AmqpError {
  return new AmqpError(
    conditions.argumentOutOfRange,
    `The specified partition is invalid for an EventHub partition sender or receiver. It should be between 0 and ${log.partitionCount - 1}; '${partitionId}' is not. (event hub '${log.hub}')`,
    400,
  );
}
