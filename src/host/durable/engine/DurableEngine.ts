import type { AppFunction, HostServices } from '../../HostExtension';
import type { DurableSettings } from '../durableSettings';
import { EntityDispatcher } from '../entities/EntityDispatcher';
import type { TaskHub } from '../taskHub/TaskHub';
import { ActivityDispatcher } from './ActivityDispatcher';
import { OrchestrationDispatcher } from './OrchestrationDispatcher';

export interface DurableEngineOptions {
  hub: TaskHub;
  settings: DurableSettings;
  services: HostServices;
  orchestrators: ReadonlyMap<string, AppFunction>;
  activities: ReadonlyMap<string, AppFunction>;
  /** Entity functions by lower-case name. */
  entities?: ReadonlyMap<string, AppFunction>;
}

/** Runs a task hub's orchestrations, activities and entities in this host until stopped. */
export class DurableEngine {
  readonly #orchestrations: OrchestrationDispatcher;
  readonly #activities: ActivityDispatcher;
  #unsubscribe: (() => void) | undefined;

  constructor(private readonly options: DurableEngineOptions) {
    const { hub, settings, services } = options;
    this.#orchestrations = new OrchestrationDispatcher(
      hub,
      settings,
      services,
      options.orchestrators,
      (activityId) => this.#activities.holds(activityId),
      // Always there: an orchestration that calls an entity the app lacks gets an error back instead of waiting.
      new EntityDispatcher({
        hub,
        services,
        entities: options.entities ?? new Map(),
        windowMs: settings.entityMessageReorderWindowMs,
      }),
    );
    this.#activities = new ActivityDispatcher({
      queues: hub.queues,
      services,
      activities: options.activities,
      maxConcurrent: settings.maxConcurrentActivityFunctions,
      visibilityTimeoutMs: settings.workItemQueueVisibilityTimeoutMs,
      maxPollingIntervalMs: settings.maxQueuePollingIntervalMs,
      crashPoints: services.crashPoints,
      // One host runs every partition, so results never need the control queue.
      deliverLocally: (message, dequeueCount, complete) =>
        this.#orchestrations.deliver(message, dequeueCount, complete),
    });
  }

  start(): Promise<void> {
    this.#unsubscribe = this.options.hub.queues.onSent((message) => {
      if (message.kind === 'activities') this.#activities.wake();
      else this.#orchestrations.wake(message);
    });
    if (this.options.orchestrators.size > 0 || (this.options.entities?.size ?? 0) > 0)
      this.#orchestrations.start();
    if (this.options.activities.size > 0) this.#activities.start();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    await Promise.all([this.#orchestrations.stop(), this.#activities.stop()]);
  }
}
