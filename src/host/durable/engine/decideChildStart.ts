import { createHash } from 'node:crypto';
import type { HistoryEvent } from '../history/HistoryEvent';
import type { InstanceRecord } from '../taskHub/InstanceStore';
import { instanceIdProblem } from '../taskHub/instanceIdProblem';
import { isTerminal } from '../taskHub/RuntimeStatus';

type Parent = NonNullable<HistoryEvent['ParentInstance']>;

/** What starting a sub-orchestration does, given the instance that already has its ID (if any). */
export type ChildStart =
  /** Write the row (replacing a finished instance's under its ETag) and send the start. */
  | { readonly kind: 'start'; readonly executionId: string }
  /** This task's child has a row but has not run: send its start again (receivers apply it once). */
  | { readonly kind: 'resend'; readonly executionId: string }
  /** This task's child is running or finished: nothing to do. */
  | { readonly kind: 'started' }
  /** The start cannot happen: the parent's task fails with this reason. */
  | { readonly kind: 'refuse'; readonly reason: string };

/**
 * The execution ID of the child a parent's task starts. Derived from the task (parent instance,
 * execution and task id), so that a start sent again after a crash is recognised as the same start,
 * and any other start under the same instance ID is not.
 */
export function childExecutionId(parent: Parent): string {
  const task = `${parent.InstanceId}\n${parent.ExecutionId}\n${parent.TaskScheduleId}`;
  return createHash('sha256').update(task).digest('hex').slice(0, 32);
}

/**
 * Decides a sub-orchestration start as the Azure Storage provider behaves: an ID whose instance has
 * finished (Completed, Failed, Terminated) gets a new execution, which is what lets
 * `callSubOrchestratorWithRetry` with an explicit ID run its next attempt. An ID whose instance is
 * still Pending, Running or Suspended, other than this task's own child, is a conflict.
 */
export function decideChildStart(
  child: { readonly name: string; readonly instanceId: string; readonly parent: Parent },
  existing: InstanceRecord | undefined,
): ChildStart {
  const problem = instanceIdProblem(child.instanceId);
  if (problem)
    return { kind: 'refuse', reason: `Cannot start sub-orchestration '${child.name}': ${problem}` };
  const executionId = childExecutionId(child.parent);
  if (!existing) return { kind: 'start', executionId };
  // A child that continued as new keeps its first execution ID before the '~'.
  if (existing.executionId.split('~')[0] === executionId) {
    const neverRan = existing.runtimeStatus === 'Pending' && existing.historyLength === 0;
    return neverRan ? { kind: 'resend', executionId } : { kind: 'started' };
  }
  if (isTerminal(existing.runtimeStatus)) return { kind: 'start', executionId };
  return {
    kind: 'refuse',
    reason:
      `Cannot start sub-orchestration '${child.name}' with instance ID '${child.instanceId}': an instance ` +
      `with that ID already exists and is ${existing.runtimeStatus}. Give each sub-orchestration that runs ` +
      `at the same time its own instance ID, or start it once that instance has finished.`,
  };
}
