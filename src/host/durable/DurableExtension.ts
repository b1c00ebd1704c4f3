import os from 'node:os';
import type { AppFunction, HostExtension, HostServices, TriggerFactory } from '../HostExtension';
import { addDurableHttpApi } from './api/addDurableHttpApi';
import { durableClientBinding, durableSystemKeyName } from './api/durableClientBinding';
import { DurableEngine } from './engine/DurableEngine';
import { EntityClient } from './EntityClient';
import { durableSettingsFrom } from './durableSettings';
import { installEntityErrorMessages } from './entities/entityErrorMessages';
import type { DurableRuntime } from './DurableRuntime';
import { TaskHub } from './taskHub/TaskHub';
import { TaskHubClient } from './TaskHubClient';

/**
 * Durable Functions on the embedded host: orchestration, activity and entity triggers run by a Durable
 * Task backend on the host's storage, the `durableClient` input binding, and the Durable HTTP API.
 */
export function createDurableExtension(): HostExtension {
  let runtime: DurableRuntime | undefined;
  let hostServices: HostServices | undefined;
  // The engine dispatches durable functions itself (see start); their listeners only describe them.
  const register: TriggerFactory = (fn, services) => ({
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
    describe: () =>
      `${fn.trigger.type} (task hub ${durableSettingsFrom(services.app.hostJson, os.cpus().length, services.settings).hubName})`,
  });
  return {
    name: 'durableTask',
    systemKeys: [durableSystemKeyName],
    triggers: { orchestrationTrigger: register, activityTrigger: register, entityTrigger: register },
    bindings: {
      durableClient: {
        readInput: () => {
          if (!runtime || !hostServices) throw new Error('The durable task hub is not started yet.');
          return Promise.resolve(durableClientBinding(runtime, hostServices));
        },
      },
    },
    async start(services: HostServices, functions: readonly AppFunction[]) {
      const settings = durableSettingsFrom(services.app.hostJson, os.cpus().length, services.settings);
      // The task hub keeps instances and history in tables, messages in queues, large ones in blobs.
      services.hostStorage.assertServices(['blob', 'queue', 'table'], 'Durable Functions (the task hub)');
      const hub = new TaskHub(services.hostStorage, settings.hubName, settings.partitionCount);
      await hub.ensure();
      const byName = (type: string) =>
        new Map(functions.filter((fn) => fn.trigger.type === type).map((fn) => [fn.name.toLowerCase(), fn]));
      const orchestrators = byName('orchestrationTrigger');
      const activities = byName('activityTrigger');
      const entities = byName('entityTrigger');
      if (entities.size > 0) installEntityErrorMessages();
      const client = new TaskHubClient(hub, (name, kind) =>
        (kind === 'entity' ? entities : orchestrators).has(name.toLowerCase()),
      );
      const engine = new DurableEngine({ hub, settings, services, orchestrators, activities, entities });
      runtime = {
        hub,
        client,
        entities: new EntityClient(hub, (name) => entities.has(name.toLowerCase())),
        engine,
      };
      hostServices = services;
      addDurableHttpApi(services.http, runtime, services);
      await engine.start();
    },
    async stop() {
      await runtime?.engine.stop();
    },
  };
}
