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

/**
 * The host's console log: one line per event, levels filtered by host.json `logging.logLevel`
 * (`default`, `Host`, `Function`, `Function.<name>`), as the Functions host does.
 */
export class HostLogger {
  constructor(
    private readonly logLevels: Record<string, string> = {},
    private readonly sink: LogSink = { write: (line) => process.stdout.write(line + '\n') },
  ) {}

  host(level: RpcLogLevel, message: string): void {
    if (this.#enabled(level, ['Host', 'default'])) this.#write(level, message);
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

  fn(level: RpcLogLevel, functionName: string, message: string): void {
    if (
      this.#enabled(level, [
        `Function.${functionName}.User`,
        `Function.${functionName}`,
        'Function',
        'default',
      ])
    ) {
      this.#write(level, `[${functionName}] ${message}`);
    }
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

  #write(level: RpcLogLevel, message: string): void {
    const time = new Date().toISOString().slice(11, 23);
    const tag = level === 'warning' ? ' warn:' : level === 'error' || level === 'critical' ? ' error:' : '';
    this.sink.write(`[${time}]${tag} ${message}`);
  }
}
