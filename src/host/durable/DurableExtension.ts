import os from 'node:os';
import type { AppFunction, HostExtension, HostServices, TriggerFactory } from '../HostExtension';
import { addDurableHttpApi } from './api/addDurableHttpApi';
import { durableClientBinding, durableSystemKeyName } from './api/durableClientBinding';
import { DurableEngine } from './engine/DurableEngine';
import { durableSettingsFrom } from './durableSettings';
import type { DurableRuntime } from './DurableRuntime';
import { TaskHub } from './taskHub/TaskHub';
import { TaskHubClient } from './TaskHubClient';

/**
 * Durable Functions on the embedded host: orchestration and activity triggers run by a Durable Task
 * backend on the host's storage, the `durableClient` input binding, and the Durable HTTP API.
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
  const registerEntity: TriggerFactory = (fn, services) => ({
    start: () => {
      services.log.warn(
        `Function '${fn.name}' is a durable entity: the embedded host does not run entities, so calls to it fail with "not supported".`,
      );
      return Promise.resolve();
    },
    stop: () => Promise.resolve(),
    describe: () => 'entityTrigger (not supported by the embedded host)',
  });
  return {
    name: 'durableTask',
    systemKeys: [durableSystemKeyName],
    triggers: { orchestrationTrigger: register, activityTrigger: register, entityTrigger: registerEntity },
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
      const hub = new TaskHub(services.hostStorage, settings.hubName, settings.partitionCount);
      await hub.ensure();
      const byName = (type: string) =>
        new Map(functions.filter((fn) => fn.trigger.type === type).map((fn) => [fn.name.toLowerCase(), fn]));
      const orchestrators = byName('orchestrationTrigger');
      const activities = byName('activityTrigger');
      const client = new TaskHubClient(hub, (name) => orchestrators.has(name.toLowerCase()));
      const engine = new DurableEngine({ hub, settings, services, orchestrators, activities });
      runtime = { hub, client, engine };
      hostServices = services;
      addDurableHttpApi(services.http, runtime, services);
      await engine.start();
    },
    async stop() {
      await runtime?.engine.stop();
    },
  };
}
