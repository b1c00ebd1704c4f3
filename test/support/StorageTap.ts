import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { azuriteConnectionString, type AzuritePorts } from '../../src/host/storage/StorageConnection';

export type StorageService = keyof AzuritePorts;

/** A storage request at which to cut the host off, and what to do then (kill it). */
export interface TapCut {
  readonly service: StorageService;
  /** Matched against `<METHOD> <decoded path and query>`, e.g. `PUT /devstoreaccount1/out/x/_manifest.json`. */
  readonly request: RegExp;
  /** Matched against the request's body (a table entity's new status, say). */
  readonly body?: RegExp;
  /**
   * `before`: the request never reaches Azurite. `after`: Azurite has applied it, but its answer never
   * reaches the host.
   */
  readonly when: 'before' | 'after';
  /** Runs at that moment, with the request held; the request's connection is dropped afterwards. */
  readonly then: () => Promise<void>;
}

interface ArmedCut extends TapCut {
  readonly done: (error?: unknown) => void;
}

/**
 * A pass-through proxy in front of Azurite's three services (one port each) that can stop at one
 * chosen request: the host is pointed at the tap, so a test can kill it exactly before or after a
 * given storage write (a block list commit, a table row's update), which no log line or poll can time.
 * Everything else is forwarded unchanged; Azurite itself keeps running.
 */
export class StorageTap {
  readonly #servers: http.Server[] = [];
  readonly #agent = new http.Agent({ keepAlive: true });
  #armed: ArmedCut | undefined;

  private constructor(
    private readonly target: AzuritePorts,
    readonly ports: AzuritePorts,
  ) {}

  /** Starts a tap in front of the Azurite of `connectionString` (loopback, one port per service). */
  static async start(connectionString: string): Promise<StorageTap> {
    const target = azuritePortsOf(connectionString);
    const ports: Partial<AzuritePorts> = {};
    const tap = new StorageTap(target, ports as AzuritePorts);
    for (const service of ['blob', 'queue', 'table'] as const) {
      const server = http.createServer((request, response) => void tap.#forward(service, request, response));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      ports[service] = (server.address() as AddressInfo).port;
      tap.#servers.push(server);
    }
    return tap;
  }

  get connectionString(): string {
    return azuriteConnectionString(this.ports);
  }

  /** Arms one cut; resolves once it happened (its `then` has run). One cut at a time. */
  cutAt(cut: TapCut): Promise<void> {
    if (this.#armed) throw new Error('StorageTap: a cut is armed already; wait for it first.');
    return new Promise((resolve, reject) => {
      this.#armed = {
        ...cut,
        done: (error) => {
          this.#armed = undefined;
          if (error) reject(new Error('StorageTap: the cut failed.', { cause: error }));
          else resolve();
        },
      };
    });
  }

  async stop(): Promise<void> {
    for (const server of this.#servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    this.#agent.destroy();
  }

  async #forward(
    service: StorageService,
    request: http.IncomingMessage,
    response: http.ServerResponse,
  ): Promise<void> {
    // The killed host's connections close under us: nothing to report.
    request.on('error', () => undefined);
    response.on('error', () => undefined);
    const body = await readAll(request).catch(() => undefined);
    if (!body) return;
    const cut = this.#matching(service, request, body);
    if (cut) this.#armed = undefined;
    try {
      if (cut?.when === 'before') {
        await cut.then();
        request.socket.destroy();
        cut.done();
        return;
      }
      const answer = await this.#send(service, request, body);
      if (cut) {
        await cut.then();
        request.socket.destroy();
        cut.done();
        return;
      }
      response.writeHead(answer.status, answer.headers);
      response.end(answer.body);
    } catch (error) {
      cut?.done(error);
      request.socket.destroy();
    }
  }

  #matching(service: StorageService, request: http.IncomingMessage, body: Buffer): ArmedCut | undefined {
    const cut = this.#armed;
    if (!cut || cut.service !== service) return undefined;
    const line = `${request.method} ${safeDecode(request.url ?? '')}`;
    if (!cut.request.test(line)) return undefined;
    if (cut.body && !cut.body.test(body.toString('utf8'))) return undefined;
    return cut;
  }

  #send(
    service: StorageService,
    request: http.IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const upstream = http.request(
        {
          host: '127.0.0.1',
          port: this.target[service],
          method: request.method,
          path: request.url,
          headers: request.headers,
          agent: this.#agent,
        },
        (answer) => {
          readAll(answer).then(
            (bytes) => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: bytes }),
            reject,
          );
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }
}

function azuritePortsOf(connectionString: string): AzuritePorts {
  const port = (name: string) => {
    const match = new RegExp(`${name}Endpoint=http://127\\.0\\.0\\.1:(\\d+)/`).exec(connectionString);
    if (!match) throw new Error(`StorageTap: no loopback ${name}Endpoint in the connection string.`);
    return Number(match[1]);
  };
  return { blob: port('Blob'), queue: port('Queue'), table: port('Table') };
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function safeDecode(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}
