import type { AppFunction, DisabledFunction, HostServices } from '../HostExtension';
import type { HttpRouter } from './HttpRouter';
import { emulatedHostVersion } from '../core/FunctionsCore';

const json = (status: number, body: unknown) => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});

/**
 * The host's own endpoints: `/admin/host/status` and `/admin/host/ping` answer without a key (health
 * checks; on Azure `status` needs the master key), `/admin/functions` lists functions and
 * `/admin/functions/{name}/status` gives a disabled function's reason (master key).
 */
export function addAdminRoutes(
  router: HttpRouter,
  services: HostServices,
  functions: readonly AppFunction[],
  disabled: readonly DisabledFunction[] = [],
): void {
  const startedAt = Date.now();
  router.add({
    methods: ['GET'],
    template: 'admin/host/status',
    authLevel: 'anonymous',
    handle: () =>
      Promise.resolve(
        json(200, {
          id: services.hostId,
          state: 'Running',
          version: emulatedHostVersion,
          versionDetails: `${emulatedHostVersion} (embedded host)`,
          processUptime: Date.now() - startedAt,
        }),
      ),
  });
  router.add({
    methods: ['GET', 'POST'],
    template: 'admin/host/ping',
    authLevel: 'anonymous',
    handle: () => Promise.resolve({ status: 200 }),
  });
  router.add({
    methods: ['GET'],
    template: 'admin/functions',
    authLevel: 'admin',
    handle: () =>
      Promise.resolve(
        json(200, [
          ...functions.map((fn) => ({
            name: fn.name,
            trigger: fn.trigger.type,
            bindings: [fn.trigger, ...fn.inputs, ...fn.outputs],
          })),
          ...disabled.map((fn) => ({
            name: fn.name,
            trigger: fn.trigger.type,
            bindings: fn.bindings,
            isDisabled: true,
            errors: [fn.reason],
          })),
        ]),
      ),
  });
  router.add({
    methods: ['GET'],
    template: 'admin/functions/{name}/status',
    authLevel: 'admin',
    handle: (_request, params) => {
      const name = (params.name ?? '').toLowerCase();
      const off = disabled.find((fn) => fn.name.toLowerCase() === name);
      if (off) return Promise.resolve(json(200, { errors: [off.reason] }));
      const found = functions.some((fn) => fn.name.toLowerCase() === name);
      return Promise.resolve(
        found
          ? json(200, { errors: null })
          : json(404, { error: `No function named '${params.name ?? ''}'.` }),
      );
    },
  });
  router.add({
    methods: ['POST'],
    template: 'admin/functions/{name}',
    authLevel: 'admin',
    handle: (request, params) => {
      const name = params.name ?? '';
      const off = disabled.find((fn) => fn.name.toLowerCase() === name.toLowerCase());
      // 404, as the Functions host answers for a function that failed to load (it is not among the
      // host's functions); the body says why.
      if (off)
        return Promise.resolve(json(404, { error: `Function '${off.name}' is disabled: ${off.reason}.` }));
      return runManually(services, functions, name, request.body);
    },
  });
}

// Trigger kinds whose input a manual run cannot stand in for.
const notManual: Record<string, string> = {
  httptrigger: 'call its URL instead',
  blobtrigger: 'upload or overwrite a blob instead',
  orchestrationtrigger: 'start it through the Durable HTTP API or a client instead',
  activitytrigger: 'call it from an orchestration instead',
  entitytrigger: 'entities are not supported',
};

/**
 * Runs a non-HTTP function once with `{"input": "..."}` as its trigger data, as the Functions host's
 * admin API does (202 at once; the outcome is in the log). Timers get a timer object and ignore input.
 */
async function runManually(
  services: HostServices,
  functions: readonly AppFunction[],
  name: string,
  body: Buffer,
) {
  const fn = functions.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
  if (!fn) return json(404, { error: `No function named '${name}'.` });
  const type = fn.trigger.type.toLowerCase();
  if (notManual[type])
    return json(400, { error: `'${fn.name}' has a ${fn.trigger.type}: ${notManual[type]}.` });
  let input = '';
  try {
    const parsed = body.length > 0 ? (JSON.parse(body.toString('utf8')) as { input?: unknown }) : {};
    input = typeof parsed.input === 'string' ? parsed.input : JSON.stringify(parsed.input ?? '');
  } catch {
    return json(400, { error: 'The body must be JSON: {"input": "<trigger input>"}.' });
  }
  const triggerData =
    type === 'timertrigger'
      ? { json: JSON.stringify({ Schedule: { AdjustForDST: true }, ScheduleStatus: null, IsPastDue: false }) }
      : { string: input };
  services
    .invoke(fn, {
      triggerData,
      bindingData: {},
      reason: 'This function was programmatically called via the host APIs.',
    })
    .catch(() => undefined); // the pipeline has logged the failure
  return Promise.resolve({ status: 202 });
}
