import type { HostHttpRequest, HostHttpResponse } from '../../http/HttpRouter';
import type { EntityClient } from '../EntityClient';
import type { TaskHubClient } from '../TaskHubClient';
import type { DurableWebhookUrls } from './DurableWebhookUrls';

/** What the Durable HTTP API's handlers work with. */
export interface DurableApiContext {
  readonly client: TaskHubClient;
  readonly entities: EntityClient;
  readonly hubName: string;
  /** Links for responses to this request, on the address the caller used (as the extension does). */
  urls(request: HostHttpRequest): DurableWebhookUrls;
}

/** One endpoint of the API; `path` is relative to runtime/webhooks/durabletask/. */
export interface DurableRoute {
  readonly methods: readonly string[];
  readonly path: string;
  handle(request: HostHttpRequest, params: Record<string, string>): Promise<HostHttpResponse>;
}
