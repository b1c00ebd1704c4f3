// The Durable HTTP API as scripts/runDurableSamples.mjs uses it: the app's own starters, instance
// status polling and the entity routes, with plain fetch (as a user with curl would).
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const finished = new Set(['Completed', 'Failed', 'Terminated']);
const json = (value) => JSON.stringify(value);

/** Talks to a running host as a user with curl would: the app's starters and the Durable HTTP API. */
export class DurableDriver {
  constructor(baseUrl, systemKey) {
    this.baseUrl = baseUrl;
    this.systemKey = systemKey;
  }

  async request(method, url, body) {
    const init = { method, headers: body === undefined ? {} : { 'content-type': 'application/json' } };
    if (body !== undefined) init.body = json(body);
    const response = await fetch(url.startsWith('http') ? url : `${this.baseUrl}${url}`, init);
    const text = await response.text();
    let parsed;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { status: response.status, body: parsed };
  }

  /** POST /api/orchestrators/<name>: the samples' httpStart; returns its check-status payload. */
  async start(orchestrator, input = null) {
    const { status, body } = await this.request('POST', `/api/orchestrators/${orchestrator}`, input);
    if (status !== 202 || typeof body?.statusQueryGetUri !== 'string')
      throw new Error(`Starting ${orchestrator} answered ${status}: ${json(body).slice(0, 300)}`);
    return body;
  }

  /** Polls statusQueryGetUri until the instance has finished (with its history when asked). */
  async waitForEnd(started, timeoutS, { history = false } = {}) {
    const url = `${started.statusQueryGetUri}${history ? '&showHistory=true' : ''}`;
    const deadline = Date.now() + timeoutS * 1000;
    for (;;) {
      const { body } = await this.request('GET', url);
      if (finished.has(body?.runtimeStatus)) return body;
      if (Date.now() > deadline)
        throw new Error(`Still ${body?.runtimeStatus} after ${timeoutS} s: ${json(body).slice(0, 300)}`);
      await delay(500);
    }
  }

  /** A Durable HTTP API route (`entities/...`, `instances/...`) with the extension's system key. */
  webhook(route) {
    const separator = route.includes('?') ? '&' : '?';
    return `${this.baseUrl}/runtime/webhooks/durabletask/${route}${separator}code=${this.systemKey}`;
  }

  /** Polls until `read()` returns `expected` (JSON-equal), and returns the last value read. */
  async until(read, expected, timeoutS) {
    const deadline = Date.now() + timeoutS * 1000;
    let value;
    while (Date.now() < deadline) {
      value = await read();
      if (json(value) === json(expected)) return value;
      await delay(300);
    }
    return value;
  }
}
