import type { AppFunction, HostServices, TriggerFactory } from '../../HostExtension';
import type { AuthLevel, HostHttpRequest } from '../../http/HttpRouter';
import { fromRpcHttpResponse } from '../../converters/fromRpcHttpResponse';
import { toRpcHttpRequest } from '../../converters/toRpcHttpRequest';
import { InvocationFailedError } from '../../InvocationPipeline';

/** Serves an `httpTrigger` function at `/<routePrefix>/<route>` with its methods and auth level. */
export const httpTrigger: TriggerFactory = (fn, services) => {
  const binding = fn.trigger;
  const routePrefix = services.app.hostJson.extensions?.http?.routePrefix ?? 'api';
  const route = typeof binding.route === 'string' && binding.route !== '' ? binding.route : fn.name;
  const template = [routePrefix, route].filter((part) => part !== '').join('/');
  const methods = Array.isArray(binding.methods)
    ? (binding.methods as string[]).map((m) => m.toUpperCase())
    : undefined;
  const authLevel = (
    typeof binding.authLevel === 'string' ? binding.authLevel : 'function'
  ).toLowerCase() as AuthLevel;
  if (!['anonymous', 'function', 'admin'].includes(authLevel)) {
    throw new Error(`Function '${fn.name}': authLevel "${authLevel}" is not anonymous, function or admin.`);
  }
  // A JSON body's fields feed {expressions} in the function's other bindings; parsing a body nothing
  // reads would hold a second, larger copy of it for the whole invocation.
  const bodyFeedsBindings = [...fn.inputs, ...fn.outputs].some(
    (other) => other.type.toLowerCase() !== 'http' && JSON.stringify(other).includes('{'),
  );
  return {
    async start() {
      if (authLevel === 'function') await services.keys.loadFunction(fn.name);
      services.http.add({
        methods,
        template,
        authLevel,
        functionName: fn.name,
        handle: (request, params) => handleRequest(fn, services, request, params, bodyFeedsBindings),
      });
    },
    stop: () => Promise.resolve(),
    describe: () => `[${methods?.join(',') ?? 'ALL'}] ${services.baseUrl()}/${template}`,
  };
};

async function handleRequest(
  fn: AppFunction,
  services: HostServices,
  request: HostHttpRequest,
  params: Record<string, string>,
  bodyFeedsBindings: boolean,
) {
  const query = Object.fromEntries(request.url.searchParams);
  const bodyFields = bodyFeedsBindings ? jsonBodyFields(request) : {};
  let response;
  try {
    response = await services.invoke(fn, {
      triggerData: toRpcHttpRequest(request, params),
      bindingData: { ...query, ...bodyFields, ...params, query, headers: request.headers },
      traceContext: {
        traceParent: single(request.headers.traceparent),
        traceState: single(request.headers.tracestate),
      },
      reason: `This function was programmatically called via the host APIs.`,
    });
  } catch (error) {
    if (error instanceof InvocationFailedError) return { status: 500 };
    throw error;
  }
  const output = fn.outputs.find((binding) => binding.type.toLowerCase() === 'http');
  if (!output) return { status: 204 };
  const data =
    output.name === '$return'
      ? response.returnValue
      : response.outputData?.find((o) => o.name === output.name)?.data;
  return fromRpcHttpResponse(data);
}

function jsonBodyFields(request: HostHttpRequest): Record<string, unknown> {
  const type = String(request.headers['content-type'] ?? '');
  if (!type.includes('json') || request.body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(request.body.toString('utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** A header sent once; one sent twice is ambiguous and ignored, as W3C Trace Context asks for traceparent. */
function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
