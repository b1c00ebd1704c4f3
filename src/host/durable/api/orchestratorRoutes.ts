import { waitForCompletionOrCheckStatus } from './checkStatusResponse';
import type { DurableApiContext, DurableRoute } from './DurableApiContext';
import { readJsonBody } from './readJsonBody';

/** POST orchestrators/{functionName}/{instanceId?}: starts an instance with the JSON body as its input. */
export function orchestratorRoutes(context: DurableApiContext): DurableRoute[] {
  return [
    {
      methods: ['POST'],
      path: 'orchestrators/{functionName}/{instanceId?}',
      handle: async (request, params) => {
        const instanceId = await context.client.startNew(params.functionName ?? '', {
          instanceId: params.instanceId || undefined,
          input: readJsonBody(request, 'the orchestration input (request body)'),
        });
        return waitForCompletionOrCheckStatus(context, request, instanceId);
      },
    },
  ];
}
