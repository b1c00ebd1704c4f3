import type { ControlMessage } from '../taskHub/TaskMessage';
import { parseEntityMessage, streamOf, type EntityRelease, type EntityRequest } from './EntityMessages';
import type { EntitySchedulerState } from './EntitySchedulerState';

/** What an entity remembers of the messages it applied, to recognise one that comes again. */
export type DeliveryMemory = Required<Pick<EntitySchedulerState, 'streams' | 'clients'>>;

export type EntityMessage =
  { kind: 'request'; request: EntityRequest } | { kind: 'release'; release: EntityRelease };

export interface EntityMessageSelection<M> {
  /** Messages to apply now, in order. */
  readonly apply: { item: M; message: EntityMessage }[];
  /** Messages applied before (redelivered or sent again), or not meant for an entity: delete them. */
  readonly drop: M[];
  /** Messages whose predecessor from the same sender has not arrived yet. */
  readonly hold: { message: M; until: number }[];
  /** The memory after this batch, with what it applied added and what expired removed. */
  readonly memory: DeliveryMemory;
}

export interface SelectionOptions {
  /** How long the entity remembers a sender, and how long a message waits for its predecessor. */
  readonly windowMs: number;
  /** When this host started: memory written by an earlier run counts from here (its messages may come back). */
  readonly hostStartedAt: number;
  /** Client signals whose queue messages this host has deleted: they cannot come back. */
  readonly deleted: ReadonlySet<string>;
}

const holdMs = 1000;

/**
 * Decides what an entity batch does with each received message so that every request is applied
 * once and a sender's requests in the order it sent them. Orchestrations and entities number their
 * messages to each entity (`seq`, naming the `predecessor`): a message at or below the last applied
 * number is a duplicate, and one whose predecessor has not been applied waits for it (up to the
 * window). A client's signals carry no order; their ids are remembered until their queue messages
 * are known to be deleted.
 */
export function selectEntityMessages<M extends { readonly message: ControlMessage }>(
  memory: DeliveryMemory,
  received: readonly M[],
  now: number,
  options: SelectionOptions,
): EntityMessageSelection<M> {
  const streams = { ...memory.streams };
  const applied = new Set(memory.clients.flatMap((group) => group.ids));
  const applying: string[] = [];
  const selection: Omit<EntityMessageSelection<M>, 'memory'> = { apply: [], drop: [], hold: [] };
  for (const { item, message } of inStreamOrder(received)) {
    if (!message) {
      selection.drop.push(item);
      continue;
    }
    const body = message.kind === 'request' ? message.request : message.release;
    const stream = streamOf(body);
    if (stream === undefined) {
      if (applied.has(body.id)) selection.drop.push(item);
      else {
        applied.add(body.id);
        applying.push(body.id);
        selection.apply.push({ item, message });
      }
      continue;
    }
    const last = streams[stream]?.last;
    const seq = body.seq!;
    if (last !== undefined && seq <= last) {
      selection.drop.push(item);
    } else if (waitsForPredecessor(body, last, now, options.windowMs)) {
      const giveUpAt = Date.parse(body.predecessorAt!) + options.windowMs;
      selection.hold.push({ message: item, until: Math.min(now + holdMs, giveUpAt) });
    } else {
      streams[stream] = { last: seq, at: now };
      selection.apply.push({ item, message });
    }
  }
  const clients = [...memory.clients, ...(applying.length > 0 ? [{ at: now, ids: applying }] : [])];
  return { ...selection, memory: forgetExpired(streams, clients, now, options) };
}

/** A recent predecessor that was not applied yet is on its way (or being sent again): wait for it. */
function waitsForPredecessor(
  body: EntityRequest | EntityRelease,
  last: number | undefined,
  now: number,
  windowMs: number,
): boolean {
  if (body.predecessor === undefined || body.predecessorAt === undefined) return false;
  if (last !== undefined && body.predecessor <= last) return false;
  // Older than the window: the memory of that sender may have expired since it was applied.
  return Date.parse(body.predecessorAt) + windowMs > now;
}

/** The messages in arrival order, except that each sender's own messages are sorted by `seq`. */
function inStreamOrder<M extends { readonly message: ControlMessage }>(
  received: readonly M[],
): { item: M; message: EntityMessage | undefined }[] {
  const parsed = received.map((item) => ({ item, message: parseEntityMessage(item.message) }));
  const positions = new Map<string, number[]>();
  parsed.forEach((entry, index) => {
    const body =
      entry.message && (entry.message.kind === 'request' ? entry.message.request : entry.message.release);
    const stream = body && streamOf(body);
    if (stream !== undefined) positions.set(stream, [...(positions.get(stream) ?? []), index]);
  });
  const ordered = [...parsed];
  for (const indexes of positions.values()) {
    const sorted = indexes.map((index) => parsed[index]!).sort((a, b) => seqOf(a.message) - seqOf(b.message));
    indexes.forEach((index, position) => (ordered[index] = sorted[position]!));
  }
  return ordered;
}

function seqOf(message: EntityMessage | undefined): number {
  if (!message) return 0;
  return (message.kind === 'request' ? message.request.seq : message.release.seq) ?? 0;
}

/**
 * Forgets senders and client signals that cannot come back: a memory entry is kept for the window
 * after its last use, counted from no earlier than this host's start, because the messages of a host
 * that died come back only after it restarts. Client signals this host deleted are forgotten at once.
 */
function forgetExpired(
  streams: DeliveryMemory['streams'],
  clients: DeliveryMemory['clients'],
  now: number,
  options: SelectionOptions,
): DeliveryMemory {
  const expired = (at: number) => Math.max(at, options.hostStartedAt) + options.windowMs < now;
  for (const [stream, entry] of Object.entries(streams)) if (expired(entry.at)) delete streams[stream];
  const remembered = clients
    .filter((group) => !expired(group.at))
    .map((group) => ({ at: group.at, ids: group.ids.filter((id) => !options.deleted.has(id)) }))
    .filter((group) => group.ids.length > 0);
  return { streams, clients: remembered };
}
