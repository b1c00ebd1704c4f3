import { SpanStatusCode, trace, type Attributes, type Context } from '@opentelemetry/api';
import { appMetrics, tracerName } from '../../telemetry';
import type { TaskOutcome } from './workerTask';

/** The span a pool task is recorded as: e.g. `inference`, with the model's name. */
export interface WorkerSpan {
  readonly name: string;
  readonly attributes?: Attributes;
}

/**
 * Records a finished pool task in the main thread, from the times its worker thread reported: the wait
 * for a thread (`worker.queue.lag`) and, when asked and there is a span to hang it under, a span
 * covering the thread's run. Worker threads run no OpenTelemetry SDK of their own.
 */
export function recordWorkerTask(task: {
  readonly worker: string;
  readonly parent: Context;
  readonly submittedMs: number;
  readonly outcome: TaskOutcome<unknown>;
  readonly span?: WorkerSpan;
}): void {
  const { timing } = task.outcome;
  if (!timing) return;
  const waitedSeconds = Math.max(0, timing.startedMs - task.submittedMs) / 1000;
  appMetrics().workerQueueLag.record(waitedSeconds, { worker: task.worker });
  // A span only inside a trace: a task no traced work asked for would be a root trace of its own.
  if (!task.span || !trace.getSpan(task.parent)?.isRecording()) return;
  const span = trace.getTracer(tracerName).startSpan(
    task.span.name,
    {
      startTime: timing.startedMs,
      attributes: { ...task.span.attributes, 'worker.queue.lag_s': waitedSeconds },
    },
    task.parent,
  );
  if (!task.outcome.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: task.outcome.error.message });
  span.end(timing.endedMs);
}
