import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { AuthLevel } from '../keys/AuthLevel';
import { RouteTemplate } from './RouteTemplate';

export type { AuthLevel } from '../keys/AuthLevel';

export interface HostHttpRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly raw: IncomingMessage;
}

export interface HostHttpResponse {
  status: number;
  headers?: Record<string, string | string[]>;
  body?: Buffer | string;
}

export interface HttpRoute {
  /** Upper-case methods; undefined accepts every method. */
  readonly methods?: readonly string[];
  /** Full path template without the leading slash, e.g. `api/products/{id:int}`. */
  readonly template: string;
  readonly authLevel: AuthLevel;
  /** For `function` level: whose function keys are accepted (host keys and the master key always are). */
  readonly functionName?: string;
  /** For `system` level: the system key's name (the master key is always accepted). */
  readonly systemKeyName?: string;
  handle(request: HostHttpRequest, params: Record<string, string>): Promise<HostHttpResponse>;
}

export interface RouteMatch {
  readonly route: HttpRoute;
  readonly params: Record<string, string>;
}

/** Routes requests by template precedence, as ASP.NET routing does (literals before parameters). */
export class HttpRouter {
  readonly #routes: { route: HttpRoute; template: RouteTemplate }[] = [];

  add(route: HttpRoute): void {
    this.#routes.push({ route, template: new RouteTemplate(route.template) });
    this.#routes.sort((a, b) => comparePrecedence(a.template.precedence, b.template.precedence));
  }

  /** The route for this method and path; a path that matches only under other methods is not found (as on Azure). */
  match(method: string, path: string): RouteMatch | undefined {
    for (const { route, template } of this.#routes) {
      if (route.methods && !route.methods.includes(method.toUpperCase())) continue;
      const params = template.match(path);
      if (params) return { route, params };
    }
    return undefined;
  }
}

function comparePrecedence(a: number[], b: number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const difference = (a[index] ?? -1) - (b[index] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}
