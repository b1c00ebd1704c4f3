import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { context } from '@opentelemetry/api';
import { recordWorkerTask, type WorkerSpan } from './recordWorkerTask';
import { reviveError, WorkerStoppedError, WorkerTimeoutError } from './workerErrors';
import { epochMs, type TaskOutcome } from './workerTask';

/** A worker module: `<directory>/<name>.js` (or `.ts` when run from the sources), whose default export is a `workerTask`. */
export interface WorkerModule {
  readonly directory: string;
  readonly name: string;
  /** What its tasks do, for messages ("inference worker"). */
  readonly label: string;
}

export interface RunOptions {
  /** Buffers of the request handed to the worker rather than copied (the caller's arrays become empty). */
  readonly transfer?: readonly ArrayBuffer[];
  /** Stop the task's thread after this long. */
  readonly timeoutMs?: number;
  /** Record the task as a span (a child of the active one) from the times its thread ran it. */
  readonly span?: WorkerSpan;
}

export interface WorkerPoolOptions {
  /** Worker threads; at least 1. */
  readonly size: number;
  /** Settings every worker module reads from `workerData`, by module. */
  readonly workerData?: Record<string, unknown>;
}

/**
 * The one pool of worker threads for CPU-bound work (inference, training), on piscina. A task names
 * the module that runs it, so features bring their own worker modules to the same threads. Errors
 * thrown by a task come back as the same class (a ValidationError stays final, a TransientError
 * retryable); a worker that dies fails its task with a TransientError and is replaced. Idle workers
 * do not keep the process alive.
 */
export class WorkerPool {
  readonly #piscina: Piscina;
  #closed = false;

  constructor(options: WorkerPoolOptions) {
    if (!(options.size >= 1)) throw new RangeError(`WorkerPool size must be at least 1, got ${options.size}`);
    this.#piscina = new Piscina({
      minThreads: options.size,
      maxThreads: options.size,
      // Queue without bound: callers bound what they submit (partitions admitted, keys per call).
      maxQueue: Number.POSITIVE_INFINITY,
      idleTimeout: Number.POSITIVE_INFINITY,
      workerData: options.workerData ?? {},
      execArgv: runningFromSources() ? ['--require', typeScriptHook()] : [],
    });
  }

  get size(): number {
    return this.#piscina.options.maxThreads;
  }

  /** The worker threads now running (tests kill one to see a crash handled). */
  get threads(): readonly Worker[] {
    return this.#piscina.threads;
  }

  /**
   * Runs `request` in `module`'s task. `transfer` lists buffers of the request handed over, not copied;
   * past `timeoutMs` the task's thread is stopped (it may be stuck: a decoder looping on corrupt data)
   * and the run fails with a WorkerTimeoutError.
   */
  async run<Result>(module: WorkerModule, request: unknown, options: RunOptions = {}): Promise<Result> {
    if (this.#closed) throw new Error(`The worker pool is closed (${module.label})`);
    const signal = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
    const parent = context.active();
    const submittedMs = epochMs();
    let outcome: TaskOutcome<Result>;
    try {
      outcome = (await this.#piscina.run(request, {
        filename: moduleFile(module),
        transferList: [...(options.transfer ?? [])],
        signal,
      })) as TaskOutcome<Result>;
    } catch (error) {
      // The task's own errors come back as outcomes: what throws here is the thread itself.
      if (this.#closed) throw new Error(`The worker pool closed during the task (${module.label})`);
      if (signal?.aborted) throw new WorkerTimeoutError(module.label, options.timeoutMs ?? 0);
      throw new WorkerStoppedError(module.label, (error as Error).message);
    }
    recordWorkerTask({ worker: module.name, parent, submittedMs, outcome, span: options.span });
    if (outcome.ok) return outcome.result;
    throw reviveError(outcome.error);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#piscina.destroy();
  }
}

function moduleFile(module: WorkerModule): string {
  return path.join(module.directory, `${module.name}${runningFromSources() ? '.ts' : '.js'}`);
}

/** Under ts-jest the pool's own module is a .ts file, and so are the worker modules beside it. */
function runningFromSources(): boolean {
  return __filename.endsWith('.ts');
}

let hookFile: string | undefined;

/**
 * A `--require` file for worker threads started from the TypeScript sources (tests): it compiles each
 * .ts module with typescript's transpileModule, the way ts-jest does with isolatedModules. `typescript`
 * (a dev dependency) is needed only then; from dist/ the compiled modules run as they are.
 */
function typeScriptHook(): string {
  if (hookFile) return hookFile;
  const typescript = JSON.stringify(require.resolve('typescript'));
  const code = `
const fs = require('node:fs');
const ts = require(${typescript});
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true },
  });
  module._compile(outputText, filename);
};
`;
  const file = path.join(os.tmpdir(), `durable-scoring-ts-hook-${process.pid}.js`);
  writeFileSync(file, code);
  hookFile = file;
  return file;
}
