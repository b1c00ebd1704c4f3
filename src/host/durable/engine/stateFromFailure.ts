import type { OrchestratorState } from './OrchestratorAction';

const outOfProcMarker = '$OutOfProcData$:';

/** A failed orchestrator invocation carries its state after a marker; without one, the message is the error. */
export function stateFromFailure(error: Error): OrchestratorState {
  const index = error.message.indexOf(outOfProcMarker);
  if (index >= 0) {
    const state = JSON.parse(error.message.slice(index + outOfProcMarker.length)) as OrchestratorState;
    return { ...state, error: state.error ?? error.message.slice(0, index).trim() };
  }
  return { isDone: false, actions: [], error: error.message };
}
