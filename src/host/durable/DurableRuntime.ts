import type { DurableEngine } from './engine/DurableEngine';
import type { EntityClient } from './EntityClient';
import type { TaskHub } from './taskHub/TaskHub';
import type { TaskHubClient } from './TaskHubClient';

/** State shared by the durable triggers, the client binding and the HTTP API of one host. */
export interface DurableRuntime {
  readonly hub: TaskHub;
  readonly client: TaskHubClient;
  readonly entities: EntityClient;
  readonly engine: DurableEngine;
}
