import { randomUUID } from 'node:crypto';
import { EventType, newEvent, type HistoryEvent } from './history/HistoryEvent';
import { ConcurrencyConflictError, type InstanceQuery, type InstanceRecord } from './taskHub/InstanceStore';
import { instanceIdProblem } from './taskHub/instanceIdProblem';
import { isTerminal, type RuntimeStatus } from './taskHub/RuntimeStatus';
import type { TaskHub } from './taskHub/TaskHub';

/** A client request the instance's state does not allow; `status` is the HTTP status the Durable API uses. */
export class DurableClientError extends Error {
  override name = 'DurableClientError';
  constructor(
    readonly status: 400 | 404 | 409 | 410 | 501,
    message: string,
  ) {
    super(message);
  }
}

export interface InstanceStatus extends InstanceRecord {
  history?: HistoryEvent[];
}

/**
 * What the Durable HTTP API, the `durableClient` binding and the CLI can do to instances. Every change
 * goes through a control-queue message, so the orchestration engine stays the only writer of state
 * (except start, which creates the row, and purge, which deletes finished instances).
 */
export class TaskHubClient {
  constructor(
    private readonly hub: TaskHub,
    private readonly functionExists: (name: string, kind: 'orchestration' | 'entity') => boolean,
  ) {}

  /** Creates (or re-creates a finished) instance and queues its ExecutionStarted event. */
  async startNew(
    name: string,
    options: { instanceId?: string; input?: string; parent?: HistoryEvent['ParentInstance'] } = {},
  ): Promise<string> {
    if (!this.functionExists(name, 'orchestration')) {
      throw new DurableClientError(
        400,
        `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`,
      );
    }
    const instanceId = options.instanceId ?? randomUUID().replace(/-/g, '');
    validateInstanceId(instanceId);
    const existing = await this.hub.instances.read(instanceId);
    if (existing && !isTerminal(existing.runtimeStatus) && existing.runtimeStatus !== 'Pending') {
      throw new DurableClientError(
        409,
        `An instance with ID '${instanceId}' already exists and is ${existing.runtimeStatus}.`,
      );
    }
    const now = new Date().toISOString();
    const executionId = randomUUID().replace(/-/g, '');
    const record: InstanceRecord = {
      instanceId,
      name,
      executionId,
      runtimeStatus: 'Pending',
      input: options.input,
      createdTime: now,
      lastUpdatedTime: now,
      parentInstanceId: options.parent?.InstanceId,
      historyLength: 0,
    };
    // The message first, as the Azure Storage provider sends it: a client that dies before the row is
    // written leaves a start that still runs (the engine writes the row from it), where the other order
    // would leave a Pending row that nothing ever starts, and that callers take for a started instance.
    await this.hub.queues.sendControl({
      kind: 'control',
      id: randomUUID(),
      instanceId,
      executionId,
      event: newEvent(EventType.ExecutionStarted, now, {
        Name: name,
        Input: options.input,
        ExecutionId: executionId,
        ParentInstance: options.parent,
      }),
    });
    try {
      if (existing) await this.hub.instances.update({ ...record, etag: existing.etag });
      else await this.hub.instances.create(record);
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError)) throw error;
      // The engine may have taken the start already and written the row itself.
      const current = await this.hub.instances.read(instanceId);
      if (current?.executionId !== executionId) {
        throw new DurableClientError(
          409,
          `An instance with ID '${instanceId}' was started by someone else meanwhile and is ${current?.runtimeStatus ?? 'gone'}.`,
        );
      }
    }
    return instanceId;
  }

  async getStatus(
    instanceId: string,
    options: { showHistory?: boolean } = {},
  ): Promise<InstanceStatus | undefined> {
    const record = await this.hub.instances.read(instanceId);
    if (!record) return undefined;
    if (!options.showHistory) return record;
    return { ...record, history: await this.hub.history.read(instanceId, record.historyLength) };
  }

  /** Orchestration instances only; entities are listed through EntityClient. */
  list(query: InstanceQuery): Promise<{ instances: InstanceRecord[]; continuationToken?: string }> {
    return this.hub.instances.query({ ...query, excludeEntities: true });
  }

  async raiseEvent(instanceId: string, eventName: string, input?: string): Promise<void> {
    await this.#requireRunning(instanceId);
    await this.#send(
      instanceId,
      newEvent(EventType.EventRaised, new Date().toISOString(), { Name: eventName, Input: input }),
    );
  }

  async terminate(instanceId: string, reason?: string): Promise<void> {
    await this.#requireRunning(instanceId);
    const input = reason === undefined ? undefined : JSON.stringify(reason);
    await this.#send(
      instanceId,
      newEvent(EventType.ExecutionTerminated, new Date().toISOString(), { Input: input }),
    );
  }

  async suspend(instanceId: string, reason?: string): Promise<void> {
    await this.#requireRunning(instanceId);
    await this.#send(
      instanceId,
      newEvent(EventType.ExecutionSuspended, new Date().toISOString(), { Reason: reason }),
    );
  }

  async resume(instanceId: string, reason?: string): Promise<void> {
    await this.#requireRunning(instanceId);
    await this.#send(
      instanceId,
      newEvent(EventType.ExecutionResumed, new Date().toISOString(), { Reason: reason }),
    );
  }

  /** Starts the instance again from its original input, under the same or a new id. */
  async restart(instanceId: string, newInstanceId = true): Promise<string> {
    const record = await this.#require(instanceId);
    return this.startNew(record.name, {
      instanceId: newInstanceId ? undefined : instanceId,
      input: record.input,
    });
  }

  /** Deletes a finished instance's row, history and large payloads. */
  async purge(instanceId: string): Promise<boolean> {
    const record = await this.hub.instances.read(instanceId);
    if (!record) return false;
    if (!isTerminal(record.runtimeStatus)) {
      throw new DurableClientError(
        409,
        `Instance '${instanceId}' is ${record.runtimeStatus}; only finished instances can be purged (terminate it first).`,
      );
    }
    await this.hub.history.deleteAll(instanceId);
    await this.hub.payloads.deletePrefix(`${instanceId}/`);
    return this.hub.instances.delete(instanceId);
  }

  /** Purges every finished instance matching the query; returns how many were deleted. */
  async purgeWhere(query: Omit<InstanceQuery, 'top' | 'continuationToken'>): Promise<number> {
    const statuses = (query.runtimeStatus ?? ['Completed', 'Failed', 'Terminated', 'Canceled']).filter(
      (status: RuntimeStatus) => isTerminal(status),
    );
    if (statuses.length === 0) return 0;
    let deleted = 0;
    let continuationToken: string | undefined;
    do {
      const page = await this.hub.instances.query({
        ...query,
        runtimeStatus: statuses,
        continuationToken,
        top: 100,
      });
      for (const instance of page.instances) if (await this.purge(instance.instanceId)) deleted++;
      continuationToken = page.continuationToken;
    } while (continuationToken);
    return deleted;
  }

  async #require(instanceId: string): Promise<InstanceRecord> {
    const record = await this.hub.instances.read(instanceId);
    if (!record) throw new DurableClientError(404, `No instance with ID '${instanceId}' was found.`);
    return record;
  }

  async #requireRunning(instanceId: string): Promise<InstanceRecord> {
    const record = await this.#require(instanceId);
    if (isTerminal(record.runtimeStatus)) {
      throw new DurableClientError(
        410,
        `Instance '${instanceId}' is ${record.runtimeStatus}; it can no longer accept this operation.`,
      );
    }
    return record;
  }

  async #send(instanceId: string, event: HistoryEvent): Promise<void> {
    await this.hub.queues.sendControl({ kind: 'control', id: randomUUID(), instanceId, event });
  }
}

function validateInstanceId(instanceId: string): void {
  const problem = instanceIdProblem(instanceId);
  if (problem) throw new DurableClientError(400, problem);
}
