import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HostHttpResponse, HttpRouter } from './HttpRouter';
import type { KeyStore } from '../keys/KeyStore';
import type { HostLogger } from '../logging/HostLogger';
import { declaredLength, readRequestBody, refuseBody } from './requestBody';
import { redactUrl } from './redactUrl';

export interface HostHttpServerOptions {
  /** The largest request body accepted, in bytes (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT). */
  readonly maxRequestBytes: number;
}

/** The host's HTTP listener: routing, key checks and error mapping for functions and runtime endpoints. */
export class HostHttpServer {
  readonly #server: http.Server;
  #ready = false;

  constructor(
    private readonly router: HttpRouter,
    private readonly keys: KeyStore,
    private readonly log: HostLogger,
    private readonly options: HostHttpServerOptions,
  ) {
    this.#server = http.createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        this.log.error(
          `HTTP ${request.method} ${redactUrl(request.url)} failed in the host: ${(error as Error).stack ?? String(error)}`,
        );
        // The stack and the host's folders stay in the log; the caller learns only that the host failed.
        if (!response.headersSent) {
          send(response, {
            status: 500,
            headers: { 'content-type': 'text/plain; charset=utf-8' },
            body: 'The host failed to handle this request; its log has the details.',
          });
        } else response.end();
      });
    });
    this.#server.keepAliveTimeout = 5000;
    // A client that asks before sending (Expect: 100-continue) a body over the limit never sends it.
    this.#server.on('checkContinue', (request, response) => {
      if ((declaredLength(request) ?? 0) > options.maxRequestBytes) {
        refuseBody(request, response, options.maxRequestBytes, log);
        return;
      }
      response.writeContinue();
      this.#server.emit('request', request, response);
    });
  }

  async listen(port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        reject(
          error.code === 'EADDRINUSE'
            ? new Error(
                `Port ${port} is already in use: another host (func start?) is running. Use --port to pick another.`,
              )
            : error,
        );
      };
      this.#server.once('error', onError);
      this.#server.listen(port, host, () => {
        this.#server.off('error', onError);
        resolve();
      });
    });
    return (this.#server.address() as AddressInfo).port;
  }

  /** Until the app's functions are registered, requests get 503 rather than a misleading 404. */
  markReady(): void {
    this.#ready = true;
  }

  async close(): Promise<void> {
    this.#server.closeIdleConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`);
    const method = (request.method ?? 'GET').toUpperCase();
    if (!this.#ready) {
      return send(response, {
        status: 503,
        headers: { 'retry-after': '1' },
        body: 'The Functions host is starting.',
      });
    }
    const match = this.router.match(method, url.pathname);
    if (!match) return send(response, { status: 404 });
    const { route, params } = match;
    const key = url.searchParams.get('code') ?? headerValue(request.headers['x-functions-key']);
    if (!this.keys.authorizes(key, route.authLevel, route.functionName, route.systemKeyName)) {
      // No key, or an unknown one, is 401; a valid key below the route's level is 403.
      const known = key !== undefined && this.keys.authorizes(key, 'function');
      this.log.warn(
        `${method} ${url.pathname}: ${known ? 403 : 401}, the route needs ${route.authLevel}-level access. Pass a key as ?code= or the x-functions-key header; \`npx durable-scoring keys\` prints them.`,
      );
      return send(response, { status: known ? 403 : 401 });
    }
    const body = await readRequestBody(request, this.options.maxRequestBytes);
    if (body === undefined) return refuseBody(request, response, this.options.maxRequestBytes, this.log);
    send(response, await route.handle({ method, url, headers: request.headers, body, raw: request }, params));
  }
}

function send(response: ServerResponse, result: HostHttpResponse): void {
  const body =
    result.body === undefined
      ? undefined
      : Buffer.isBuffer(result.body)
        ? result.body
        : Buffer.from(result.body);
  const headers: Record<string, string | string[]> = { ...result.headers };
  if (body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-length')) {
    headers['content-length'] = String(body.length);
  }
  response.writeHead(result.status, headers);
  response.end(body);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
