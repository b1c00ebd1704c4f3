import { context, SpanKind } from '@opentelemetry/api';
import type { FunctionHandler, HttpRequest, InvocationContext, PreInvocationContext } from '@azure/functions';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import { contextFromTraceParent, withSpan } from './traceParents';

/**
 * A pre-invocation hook: the function runs under the trace context its host passed in the invocation
 * (`context.traceContext`, the Functions host's `traceparent`), so what it starts joins the caller's
 * trace. An HTTP function also gets a server span (method, route, path without the query, status) that
 * the work it starts hangs under. Other triggers get no span of their own: activities and orchestrators
 * are replayed and retried, and carry their job's trace as data instead.
 */
export function traceInvocation(hook: PreInvocationContext): void {
  const { invocationContext } = hook;
  const carried = invocationContext.traceContext;
  const handler = hook.functionHandler;
  const trigger = invocationContext.options.trigger;
  if (trigger.type.toLowerCase() !== 'httptrigger') {
    hook.functionHandler = (input: unknown, invocation: InvocationContext): unknown =>
      context.with(contextFromTraceParent(carried), () => handler(input, invocation) as unknown);
    return;
  }
  const route =
    typeof trigger.route === 'string' ? `/api/${trigger.route}` : `/api/${invocationContext.functionName}`;
  const traced: FunctionHandler = (request, ...rest) => {
    const http = request as HttpRequest;
    const attributes = {
      [ATTR_HTTP_REQUEST_METHOD]: http.method,
      [ATTR_HTTP_ROUTE]: route,
      // The path only: a query may hold the function key (`code=`).
      [ATTR_URL_PATH]: new URL(http.url).pathname,
      'faas.invocation_id': invocationContext.invocationId,
      'faas.name': invocationContext.functionName,
    };
    return withSpan(
      `${http.method} ${route}`,
      { parent: carried, kind: SpanKind.SERVER, attributes },
      async (span) => {
        const response: unknown = await handler(request, ...rest);
        const status = (response as { status?: unknown } | undefined)?.status;
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, typeof status === 'number' ? status : 200);
        return response;
      },
    );
  };
  hook.functionHandler = traced;
}
