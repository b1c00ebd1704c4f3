import { runIdAttribute, withSpan, type TraceCarrier } from '../../telemetry';

/**
 * Runs one step of a retraining run inside its span, a child of the run's span (carried as data, since
 * the orchestrator records none), with the run id and the model on it.
 */
export function withRunStep<T>(
  step: string,
  run: { readonly runId: string; readonly model: string },
  parent: TraceCarrier | undefined,
  work: () => Promise<T>,
): Promise<T> {
  const attributes = { [runIdAttribute]: run.runId, 'model.name': run.model };
  return withSpan(step, { parent, attributes }, work);
}
