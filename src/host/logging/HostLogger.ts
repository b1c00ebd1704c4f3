import type { RpcLogLevel } from '../core/coreTypes';

const levelOrder: Record<string, number> = {
  trace: 0,
  debug: 1,
  information: 2,
  warning: 3,
  error: 4,
  critical: 5,
  none: 6,
};

export interface LogSink {
  write(line: string): void;
}

/** `text`: the host's console lines; `json`: one JSON object per line (LOG_FORMAT=json). */
export type LogFormat = 'text' | 'json';

/** What is known of the invocation that logged a function's line. */
export interface InvocationLogContext {
  readonly invocationId: string;
  /** `user` (context.log) or `system` (the library's own). */
  readonly category: string;
  /** The invocation's `traceparent`: its trace id and span id go in JSON lines. */
  readonly traceParent?: string;
}

/**
 * The host's console log: one line per event, levels filtered by host.json `logging.logLevel`
 * (`default`, `Host`, `Function`, `Function.<name>`), as the Functions host does. As JSON lines, each
 * carries its time, level, category, and for a function's lines the function, invocation, trace and span.
 */
export class HostLogger {
  constructor(
    private readonly logLevels: Record<string, string> = {},
    private readonly sink: LogSink = { write: (line) => process.stdout.write(line + '\n') },
    private readonly format: LogFormat = 'text',
  ) {}

  host(level: RpcLogLevel, message: string): void {
    if (!this.#enabled(level, ['Host', 'default'])) return;
    if (this.format === 'json') this.#writeJson(level, { category: 'Host', message });
    else this.#write(level, message);
  }

  info(message: string): void {
    this.host('information', message);
  }

  warn(message: string): void {
    this.host('warning', message);
  }

  error(message: string): void {
    this.host('error', message);
  }

  fn(level: RpcLogLevel, functionName: string, message: string, invocation?: InvocationLogContext): void {
    const categories = [`Function.${functionName}.User`, `Function.${functionName}`, 'Function', 'default'];
    if (!this.#enabled(level, categories)) return;
    if (this.format === 'text') return this.#write(level, `[${functionName}] ${message}`);
    const [, traceId, spanId] = invocation?.traceParent?.split('-') ?? [];
    this.#writeJson(level, {
      category: `Function.${functionName}${invocation?.category === 'user' ? '.User' : ''}`,
      function: functionName,
      invocationId: invocation?.invocationId,
      traceId,
      spanId,
      message,
    });
  }

  #enabled(level: RpcLogLevel, categories: string[]): boolean {
    const configured = categories
      .map((category) => this.#lookUp(category))
      .find((value) => value !== undefined);
    return (levelOrder[level] ?? 2) >= (levelOrder[(configured ?? 'information').toLowerCase()] ?? 2);
  }

  #lookUp(category: string): string | undefined {
    const match = Object.entries(this.logLevels).find(
      ([key]) => key.toLowerCase() === category.toLowerCase(),
    );
    return match?.[1];
  }

  #writeJson(level: RpcLogLevel, fields: Record<string, string | undefined>): void {
    this.sink.write(JSON.stringify({ timestamp: new Date().toISOString(), level, ...fields }));
  }

  #write(level: RpcLogLevel, message: string): void {
    const time = new Date().toISOString().slice(11, 23);
    const tag = level === 'warning' ? ' warn:' : level === 'error' || level === 'critical' ? ' error:' : '';
    this.sink.write(`[${time}]${tag} ${message}`);
  }
}
