import type * as df from 'durable-functions';
import {
  arrivalOperations,
  type ArriveAnswer,
  type ArriveRequest,
  type TakeAnswer,
  type TakeRequest,
} from './newDataContracts';

/** The `trainingDataArrivals` entity's state: one model's blobs not yet taken, and who collects them. */
export interface ArrivalsState {
  /** `container/path` of each blob that arrived, in arrival order, each once. */
  readonly pending: readonly string[];
  readonly lastArrival?: string;
  /** The orchestration that takes the pending blobs once a burst is over. */
  readonly collector?: string;
  /** When the collector last asked (a collector silent this long is taken to be gone). */
  readonly collectorSeen?: string;
}

/** A collector that has not asked for 6 hours (terminated, say) is replaced by the next arrival's orchestration. */
export const collectorSilenceMs = 6 * 60 * 60 * 1000;

const empty: ArrivalsState = { pending: [] };

/** A blob arrived: it joins the pending ones; the caller becomes the collector when there is none. */
export function arrive(
  state: ArrivalsState,
  request: ArriveRequest,
): { state: ArrivalsState; answer: ArriveAnswer } {
  const pending = state.pending.includes(request.blob) ? state.pending : [...state.pending, request.blob];
  const lastArrival =
    state.lastArrival !== undefined && state.lastArrival > request.at ? state.lastArrival : request.at;
  const silent =
    state.collectorSeen !== undefined &&
    Date.parse(request.at) - Date.parse(state.collectorSeen) > collectorSilenceMs;
  const collect = state.collector === undefined || silent;
  return {
    state: {
      pending,
      lastArrival,
      collector: collect ? request.instanceId : state.collector,
      collectorSeen: collect ? request.at : state.collectorSeen,
    },
    answer: { collect },
  };
}

/**
 * The collector asks for the pending blobs: they are its once no blob has arrived for the quiet period;
 * with none pending it stops being the collector (in the same operation, so an arrival after it finds
 * no collector and becomes one).
 */
export function take(
  state: ArrivalsState,
  request: TakeRequest,
): { state: ArrivalsState; answer: TakeAnswer } {
  if (state.collector !== request.instanceId) return { state, answer: { kind: 'superseded' } };
  const seen = { ...state, collectorSeen: request.now };
  if (state.pending.length === 0) return { state: empty, answer: { kind: 'idle' } };
  const quietUntil = Date.parse(state.lastArrival ?? request.now) + request.quietSeconds * 1000;
  if (Date.parse(request.now) < quietUntil)
    return { state: seen, answer: { kind: 'wait', until: new Date(quietUntil).toISOString() } };
  return { state: { ...seen, pending: [] }, answer: { kind: 'ready', blobs: state.pending } };
}

/** The entity function: `arrive` and `take` on one model's arrivals. */
export function trainingDataArrivals(context: df.EntityContext<ArrivalsState>): void {
  const state = context.df.getState(() => empty) ?? empty;
  switch (context.df.operationName) {
    case arrivalOperations.arrive: {
      const outcome = arrive(state, context.df.getInput<ArriveRequest>()!);
      context.df.setState(outcome.state);
      context.df.return(outcome.answer);
      break;
    }
    case arrivalOperations.take: {
      const outcome = take(state, context.df.getInput<TakeRequest>()!);
      context.df.setState(outcome.state);
      context.df.return(outcome.answer);
      break;
    }
    default:
      throw new Error(`trainingDataArrivals has no operation "${context.df.operationName}".`);
  }
}
