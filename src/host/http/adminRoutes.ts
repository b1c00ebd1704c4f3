import type { AppFunction, HostServices } from '../HostExtension';
import type { HttpRouter } from './HttpRouter';
import { emulatedHostVersion } from '../core/FunctionsCore';

const json = (status: number, body: unknown) => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});

/**
 * The host's own endpoints: `/admin/host/status` and `/admin/host/ping` answer without a key (health
 * checks; on Azure `status` needs the master key), `/admin/functions` lists functions (master key).
 */
export function addAdminRoutes(
  router: HttpRouter,
  services: HostServices,
  functions: readonly AppFunction[],
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
        json(
          200,
          functions.map((fn) => ({
            name: fn.name,
            trigger: fn.trigger.type,
            bindings: [fn.trigger, ...fn.inputs, ...fn.outputs],
          })),
        ),
      ),
  });
}
