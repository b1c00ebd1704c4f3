import { hostIdFrom } from '../host/FunctionHost';
import { KeyStore } from '../host/keys/KeyStore';
import { loadConfig, type AppConfig } from '../config';
import { openAppStorage } from './openAppStorage';
import type { JobRecord, JobStatus } from '../scoring/JobStore';
import type { JobView } from '../scoring/readJobView';

export type { JobView } from '../scoring/readJobView';

export const defaultHostUrl = 'http://127.0.0.1:7071';

/** Why a request to the jobs API failed, with the API's own message. */
export class JobsApiError extends Error {
  override name = 'JobsApiError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * The HTTP API (jobs, models) of a running host, called with the master key of the app folder (read from its
 * key store, as `durable-scoring keys` does). `open` fails with a message saying what to do when no
 * host answers at the URL.
 */
export class JobsApiClient {
  private constructor(
    readonly baseUrl: string,
    readonly config: AppConfig,
    private readonly masterKey: string,
  ) {}

  static async open(appDir: string, url: string = defaultHostUrl): Promise<JobsApiClient> {
    const { app, settings, storage, environment } = await openAppStorage(appDir, 'durable-scoring');
    const baseUrl = url.replace(/\/+$/, '');
    await checkHost(baseUrl);
    // The app's settings, with its storage where its host has it (the CLI uploads and reads blobs).
    const config = loadConfig(environment, app.directory);
    const keys = new KeyStore(storage.blobs, hostIdFrom(settings, app.hostId));
    await keys.load();
    return new JobsApiClient(baseUrl, config, keys.snapshot().master);
  }

  /** POST /api/jobs; returns the new job's id. */
  async create(spec: unknown): Promise<string> {
    return (await this.call<{ id: string }>('POST', 'jobs', spec)).id;
  }

  get(id: string): Promise<JobView> {
    return this.call('GET', `jobs/${encodeURIComponent(id)}`);
  }

  list(options: { status?: string; top?: number } = {}): Promise<JobRecord[]> {
    const query = new URLSearchParams();
    if (options.status) query.set('status', options.status);
    if (options.top !== undefined) query.set('top', String(options.top));
    return this.call('GET', `jobs${query.size > 0 ? `?${query.toString()}` : ''}`);
  }

  cancel(id: string): Promise<{ id: string; status: JobStatus }> {
    return this.call('POST', `jobs/${encodeURIComponent(id)}/cancel`);
  }

  /** Any route of the app's API (`api/<path>`), with the master key; an error answer throws its message. */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await request(`${this.baseUrl}/api/${path}`, {
      method,
      headers: { 'x-functions-key': this.masterKey, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = text === '' ? undefined : (JSON.parse(text) as unknown);
    if (response.ok) return json as T;
    if (response.status === 401 || response.status === 403) {
      throw new JobsApiError(
        `The host at ${this.baseUrl} refused this app folder's master key (${response.status}): is it the host of this app, with the same AzureWebJobsStorage and host id?`,
        response.status,
      );
    }
    const message = (json as { error?: string } | undefined)?.error ?? `${response.status} ${text}`;
    throw new JobsApiError(message, response.status);
  }
}

/** Fails with what to do when nothing, or a host still starting, answers at the URL. */
async function checkHost(baseUrl: string): Promise<void> {
  const response = await request(`${baseUrl}/admin/host/status`, { method: 'GET' });
  if (response.status === 503)
    throw new Error(`The host at ${baseUrl} is still starting (503); try again in a moment.`);
  if (!response.ok)
    throw new Error(
      `${baseUrl} answered ${response.status} to /admin/host/status: is it a durable-scoring host?`,
    );
}

async function request(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const origin = new URL(url).origin;
    throw new Error(
      `No host answers at ${origin} (${cause?.code ?? cause?.message ?? (error as Error).message}). ` +
        'Start it with "npx durable-scoring start" (this project) or "npx durable-scoring host <appDir>", ' +
        'or pass --url with the address it prints.',
    );
  }
}
