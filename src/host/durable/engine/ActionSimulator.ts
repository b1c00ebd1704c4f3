import { entityInstanceId, type EntityId } from '../entities/EntityId';
import type { EntityWork } from '../entities/EntityWork';
import { EventType, type HistoryEvent } from '../history/HistoryEvent';
import {
  ActionType,
  actionInputToJson,
  type OrchestratorAction,
  type RetryOptions,
} from './OrchestratorAction';

/** Work an episode must schedule, with the sequence id the orchestrator's SDK expects for it. */
export type ScheduledWork =
  | { kind: 'activity'; id: number; name: string; input?: string }
  | { kind: 'timer'; id: number; fireAt: string }
  | { kind: 'subOrchestration'; id: number; name: string; instanceId: string; input?: string }
  | EntityWork;

export interface SimulationResult {
  /** Work allocated by the replay that history has not scheduled yet, in id order. */
  readonly newWork: ScheduledWork[];
  /** Set when an action needs a feature the backend does not provide. */
  readonly unsupported?: string;
  readonly continueAsNew?: { input?: string };
}

interface Leaf {
  readonly kind: 'leaf';
  id: number;
  readonly work: (id: number) => ScheduledWork;
  done: boolean;
  failed: boolean;
  parent?: Composite;
}

interface EventWait {
  readonly kind: 'event';
  readonly name: string;
  done: boolean;
  failed: boolean;
  parent?: Composite;
}

interface Composite {
  readonly kind: 'all' | 'any' | 'retry';
  readonly children: Node[];
  done: boolean;
  failed: boolean;
  parent?: Composite;
  retry?: { options: RetryOptions; action: OrchestratorAction; failures: number; waitingOnTimer: boolean };
}

type Node = Leaf | EventWait | Composite;

/**
 * Replays the orchestrator's actions against its history the way the Durable extension's out-of-proc
 * shim does, to learn the sequence id of every task: top-level actions are awaited one after another;
 * each new task's leaves get ids depth first; a failed retryable task takes one id for its retry timer
 * and, when that fires, one for the next attempt (also after the last attempt, as the SDK expects).
 */
export class ActionSimulator {
  #sequence = 0;
  #pointer = 0;
  #current: Node | undefined;
  #now: string;
  readonly #open = new Map<number, Leaf>();
  readonly #waits = new Map<string, EventWait[]>();
  readonly #bufferedEvents = new Map<string, number>();
  readonly #allocated: Leaf[] = [];
  /** Entity request id → the id of the task that awaits its response (from EventSent events). */
  readonly #entityRequests = new Map<string, number>();
  /** The lock set of the orchestration's last lock request, which ReleaseEntities releases. */
  #lock: { requestId: string; lockSet: EntityId[] } | undefined;
  #unsupported: string | undefined;
  #continueAsNew: { input?: string } | undefined;

  constructor(
    private readonly actions: readonly OrchestratorAction[],
    private readonly instanceId: string,
    startTime: string,
  ) {
    this.#now = startTime;
  }

  run(history: readonly HistoryEvent[]): SimulationResult {
    const scheduled = new Set<number>();
    for (const event of history) {
      this.#apply(event, scheduled);
      this.#advance();
    }
    this.#advance();
    const newWork = this.#allocated
      .filter((leaf) => !scheduled.has(leaf.id))
      .map((leaf) => leaf.work(leaf.id));
    return { newWork, unsupported: this.#unsupported, continueAsNew: this.#continueAsNew };
  }

  #apply(event: HistoryEvent, scheduled: Set<number>): void {
    switch (event.EventType) {
      case EventType.OrchestratorStarted:
        this.#now = event.Timestamp;
        return;
      case EventType.TaskScheduled:
      case EventType.TimerCreated:
      case EventType.SubOrchestrationInstanceCreated:
        scheduled.add(event.EventId);
        return;
      case EventType.EventSent: {
        scheduled.add(event.EventId);
        const requestId = entityRequestIdOf(event);
        if (requestId !== undefined) this.#entityRequests.set(requestId, event.EventId);
        return;
      }
      case EventType.TaskCompleted:
      case EventType.SubOrchestrationInstanceCompleted:
        return this.#complete(event.TaskScheduledId, false);
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceFailed:
        return this.#complete(event.TaskScheduledId, true);
      case EventType.TimerFired:
        return this.#complete(event.TimerId, false);
      case EventType.EventRaised: {
        // An entity's response is raised under the request's id, and completes the call (or lock) task.
        const taskId = this.#entityRequests.get(event.Name ?? '');
        if (taskId !== undefined) return this.#complete(taskId, isFailedEntityResponse(event));
        return this.#raise(event.Name ?? '');
      }
    }
  }

  /** Pulls the next actions while the awaited one is finished (as the shim's sequential awaits do). */
  #advance(): void {
    while ((this.#current === undefined || this.#current.done) && this.#pointer < this.actions.length) {
      const action = this.actions[this.#pointer++]!;
      if (action.actionType === ActionType.ContinueAsNew) {
        this.#continueAsNew = { input: actionInputToJson(action) };
        continue;
      }
      if (action.actionType === ActionType.SignalEntity || action.actionType === ActionType.ReleaseEntities) {
        this.#fireAndForget(action);
        continue;
      }
      this.#current = this.#build(action);
      if (this.#current) this.#track(this.#current);
    }
  }

  #build(action: OrchestratorAction, parent?: Composite): Node | undefined {
    switch (action.actionType) {
      case ActionType.CallActivity:
      case ActionType.CallSubOrchestrator:
      case ActionType.CreateTimer:
      case ActionType.CallEntity:
        return this.#leaf(action, parent);
      case ActionType.LockEntities:
        this.#lock = { requestId: action.lockRequestId ?? '', lockSet: action.lockSet ?? [] };
        return this.#leaf(action, parent);
      case ActionType.CallActivityWithRetry:
      case ActionType.CallSubOrchestratorWithRetry: {
        const retry: Composite = { kind: 'retry', children: [], done: false, failed: false, parent };
        retry.retry = { options: action.retryOptions!, action, failures: 0, waitingOnTimer: false };
        retry.children.push(this.#leaf(action, retry));
        return retry;
      }
      case ActionType.WaitForExternalEvent:
        return { kind: 'event', name: action.externalEventName ?? '', done: false, failed: false, parent };
      case ActionType.WhenAll:
      case ActionType.WhenAny: {
        const composite: Composite = {
          kind: action.actionType === ActionType.WhenAll ? 'all' : 'any',
          children: [],
          done: false,
          failed: false,
          parent,
        };
        for (const child of action.compoundActions ?? []) {
          const node = this.#build(child, composite);
          if (node) composite.children.push(node);
        }
        return composite;
      }
      default:
        this.#unsupported ??= unsupportedMessage(action);
        return undefined;
    }
  }

  #leaf(action: OrchestratorAction, parent?: Composite): Leaf {
    const name = action.functionName ?? '';
    const input = actionInputToJson(action);
    const work = (id: number): ScheduledWork => {
      if (action.actionType === ActionType.CreateTimer)
        return { kind: 'timer', id, fireAt: new Date(action.fireAt ?? this.#now).toISOString() };
      if (action.actionType === ActionType.CallEntity) {
        const target = action.instanceId ?? '';
        return { kind: 'entityCall', id, target, operation: action.operation ?? '', input };
      }
      if (action.actionType === ActionType.LockEntities)
        return {
          kind: 'entityLock',
          id,
          requestId: action.lockRequestId ?? '',
          lockSet: action.lockSet ?? [],
        };
      if (
        action.actionType === ActionType.CallSubOrchestrator ||
        action.actionType === ActionType.CallSubOrchestratorWithRetry
      ) {
        return {
          kind: 'subOrchestration',
          id,
          name,
          input,
          instanceId: action.instanceId || `${this.instanceId}:${id}`,
        };
      }
      return { kind: 'activity', id, name, input };
    };
    return { kind: 'leaf', id: -1, work, done: false, failed: false, parent };
  }

  /**
   * signalEntity and a lock's release take sequence ids when the orchestrator calls them (one per
   * entity released), but nothing awaits them.
   */
  #fireAndForget(action: OrchestratorAction): void {
    const works: ((id: number) => ScheduledWork)[] = [];
    if (action.actionType === ActionType.SignalEntity) {
      const target = action.instanceId ?? '';
      const operation = action.operation ?? '';
      const input = actionInputToJson(action);
      works.push((id) => ({ kind: 'entitySignal', id, target, operation, input }));
    } else {
      const lock = this.#lock;
      this.#lock = undefined;
      for (const entity of lock?.lockSet ?? []) {
        const target = entityInstanceId(entity);
        works.push((id) => ({ kind: 'entityRelease', id, target, requestId: lock!.requestId }));
      }
    }
    for (const work of works) {
      const leaf: Leaf = { kind: 'leaf', id: this.#sequence++, work, done: true, failed: false };
      this.#allocated.push(leaf);
    }
  }

  /** Gives ids to not-yet-tracked leaves, depth first, and registers event waits. */
  #track(node: Node): void {
    if (node.kind === 'leaf') {
      if (node.id < 0) {
        node.id = this.#sequence++;
        this.#open.set(node.id, node);
        this.#allocated.push(node);
      }
    } else if (node.kind === 'event') {
      const buffered = this.#bufferedEvents.get(node.name) ?? 0;
      if (buffered > 0) {
        this.#bufferedEvents.set(node.name, buffered - 1);
        this.#finish(node, false);
      } else {
        this.#waits.set(node.name, [...(this.#waits.get(node.name) ?? []), node]);
      }
    } else {
      for (const child of node.children) this.#track(child);
    }
  }

  #complete(id: number | undefined, failed: boolean): void {
    const leaf = id === undefined ? undefined : this.#open.get(id);
    if (!leaf) return;
    this.#open.delete(leaf.id);
    this.#finish(leaf, failed);
  }

  #raise(name: string): void {
    const waiting = this.#waits.get(name);
    const wait = waiting?.shift();
    if (wait) this.#finish(wait, false);
    else this.#bufferedEvents.set(name, (this.#bufferedEvents.get(name) ?? 0) + 1);
  }

  #finish(node: Node, failed: boolean): void {
    node.done = true;
    node.failed = failed;
    const parent = node.parent;
    if (!parent || parent.done) return;
    if (parent.kind === 'retry') return this.#retryChildFinished(parent, failed);
    if (parent.kind === 'any' || failed) return this.#finish(parent, parent.kind === 'all' && failed);
    if (parent.children.every((child) => child.done)) this.#finish(parent, false);
  }

  #retryChildFinished(retry: Composite, failed: boolean): void {
    const state = retry.retry!;
    if (state.waitingOnTimer) {
      state.waitingOnTimer = false;
      if (state.failures >= state.options.maxNumberOfAttempts) return this.#finish(retry, true);
      this.#addRetryChild(retry, this.#leaf(state.action, retry));
    } else if (!failed) {
      this.#finish(retry, false);
    } else {
      state.failures++;
      state.waitingOnTimer = true;
      const fireAt = new Date(
        Date.parse(this.#now) + retryDelayMs(state.options, state.failures),
      ).toISOString();
      const timer: Leaf = {
        kind: 'leaf',
        id: -1,
        work: (id) => ({ kind: 'timer', id, fireAt }),
        done: false,
        failed: false,
        parent: retry,
      };
      this.#addRetryChild(retry, timer);
    }
  }

  #addRetryChild(retry: Composite, leaf: Leaf): void {
    retry.children.push(leaf);
    this.#track(leaf);
  }
}

/** The delay before retry n (1-based), as DTFx computes it: first × coefficient^(n-1), capped. */
export function retryDelayMs(options: RetryOptions, failures: number): number {
  const delay =
    options.firstRetryIntervalInMilliseconds * Math.pow(options.backoffCoefficient ?? 1, failures - 1);
  const cap = options.maxRetryIntervalInMilliseconds;
  return cap !== undefined && cap > 0 ? Math.min(delay, cap) : delay;
}

/** The id of the entity request an EventSent event records (its Input is the request's JSON). */
function entityRequestIdOf(event: HistoryEvent): string | undefined {
  try {
    const request = JSON.parse(event.Input ?? 'null') as { id?: unknown } | null;
    return typeof request?.id === 'string' ? request.id : undefined;
  } catch {
    return undefined;
  }
}

/** Whether an entity's response says the operation threw (its Input is the ResponseMessage JSON). */
function isFailedEntityResponse(event: HistoryEvent): boolean {
  try {
    const response = JSON.parse(event.Input ?? 'null') as { exceptionType?: unknown } | null;
    return typeof response?.exceptionType === 'string';
  } catch {
    return false;
  }
}

function unsupportedMessage(action: OrchestratorAction): string {
  const names: Record<number, string> = {
    [ActionType.CallHttp]: 'Durable HTTP calls (callHttp)',
  };
  const feature = names[action.actionType] ?? `Orchestrator action type ${action.actionType}`;
  return `${feature} are not supported by the embedded host.`;
}
