import { randomUUID } from 'node:crypto';
import {
  entityInstanceId,
  invalidEntityIdReason,
  parseEntityInstanceId,
  type EntityId,
} from './entities/EntityId';
import { entityEventNames, entityMessage, type EntityRequest } from './entities/EntityMessages';
import { parseSchedulerState } from './entities/EntitySchedulerState';
import type { TaskHub } from './taskHub/TaskHub';
import { DurableClientError } from './TaskHubClient';

/** An entity's state as a client reads it. */
export type EntityStateRead =
  { exists: false } | { exists: true; state: string | undefined; lastOperationTime: string };

export interface EntityListQuery {
  name: string;
  lastOperationTimeFrom?: string;
  lastOperationTimeTo?: string;
  top?: number;
  continuationToken?: string;
}

export interface EntityListItem {
  entityId: EntityId;
  lastOperationTime: string;
  /** JSON text. */
  state: string | undefined;
}

/**
 * What clients (the Durable HTTP API, `df.getClient`'s calls to it) can do to entities: signal an
 * operation, read the state, list the entities of a name. Reads look at the committed row only.
 */
export class EntityClient {
  constructor(
    private readonly hub: TaskHub,
    private readonly entityExists: (name: string) => boolean,
  ) {}

  /** Queues a one-way operation on the entity (`input` is JSON text). */
  async signal(entity: EntityId, operation: string, input?: string): Promise<void> {
    requireValid(entity);
    if (!this.entityExists(entity.name)) {
      throw new DurableClientError(
        400,
        `The function '${entity.name.toLowerCase()}' doesn't exist, is disabled, or is not an entity function.`,
      );
    }
    const request: EntityRequest = {
      id: randomUUID(),
      op: operation,
      signal: true,
      input,
      timestamp: new Date().toISOString(),
    };
    await this.hub.queues.sendControl(
      entityMessage(request.id, entityInstanceId(entity), entityEventNames.operation, request),
    );
  }

  async readState(entity: EntityId): Promise<EntityStateRead> {
    requireValid(entity);
    const record = await this.hub.instances.read(entityInstanceId(entity));
    const state = parseSchedulerState(record?.input);
    if (!record || !state.exists) return { exists: false };
    return { exists: true, state: state.state, lastOperationTime: record.lastUpdatedTime };
  }

  /** One page of the existing entities of a name (a page can be short: deleted ones are left out). */
  async list(query: EntityListQuery): Promise<{ entities: EntityListItem[]; continuationToken?: string }> {
    const page = await this.hub.instances.query({
      instanceIdPrefix: entityInstanceId({ name: query.name, key: '' }),
      top: query.top,
      continuationToken: query.continuationToken,
    });
    const from = query.lastOperationTimeFrom ? Date.parse(query.lastOperationTimeFrom) : -Infinity;
    const to = query.lastOperationTimeTo ? Date.parse(query.lastOperationTimeTo) : Infinity;
    const entities = page.instances.flatMap((record) => {
      const entityId = parseEntityInstanceId(record.instanceId);
      const state = parseSchedulerState(record.input);
      const time = Date.parse(record.lastUpdatedTime);
      if (!entityId || !state.exists || time < from || time > to) return [];
      return [{ entityId, lastOperationTime: record.lastUpdatedTime, state: state.state }];
    });
    return { entities, continuationToken: page.continuationToken };
  }
}

function requireValid(entity: EntityId): void {
  const reason = invalidEntityIdReason(entity);
  if (reason) throw new DurableClientError(400, reason);
}
