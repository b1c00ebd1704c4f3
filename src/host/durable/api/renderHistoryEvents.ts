import { EventType, eventTypeName, type HistoryEvent } from '../history/HistoryEvent';
import { publicErrorText } from '../../http/publicErrorText';
import { parseStoredJson } from './parseStoredJson';

export interface HistoryRenderOptions {
  /** Include activity, sub-orchestration and orchestration results (parsed JSON). */
  showHistoryOutput: boolean;
  /** Keep `Input` fields (and copy each task's input onto its completion). */
  showInput: boolean;
}

type RenderedEvent = Record<string, unknown>;

interface ScheduledTask {
  index: number;
  name: unknown;
  timestamp: unknown;
  input: unknown;
}

// DTFx's OrchestrationStatus numbering, for ExecutionCompleted events that store it as a number.
const orchestrationStatusNames = [
  'Running',
  'Completed',
  'ContinuedAsNew',
  'Failed',
  'Canceled',
  'Terminated',
  'Pending',
  'Suspended',
];

// Fields our backend keeps for itself; they are not part of DTFx's history events.
const backendFields = ['MessageId', 'ExecutionId'];

/**
 * History as the Durable HTTP API shows it (`showHistory=true`): event types by name; each task's
 * scheduling event folded into its completion (FunctionName, ScheduledTime); OrchestratorStarted and
 * OrchestratorCompleted left out; results only with `showHistoryOutput`.
 */
export function renderHistoryEvents(
  history: readonly HistoryEvent[],
  options: HistoryRenderOptions,
): RenderedEvent[] {
  const scheduled = new Map<string, ScheduledTask>();
  const dropped = new Set<number>();
  const rendered = history.map((event, index) => {
    const item: RenderedEvent = {
      ...event,
      EventType: eventTypeName[event.EventType] ?? String(event.EventType),
    };
    for (const field of backendFields) delete item[field];
    renderByType(event, item, index, { scheduled, dropped, options });
    if (!options.showInput) delete item.Input;
    delete item.EventId;
    delete item.IsPlayed;
    return item;
  });
  return rendered.filter((_, index) => !dropped.has(index));
}

interface RenderState {
  scheduled: Map<string, ScheduledTask>;
  dropped: Set<number>;
  options: HistoryRenderOptions;
}

function renderByType(event: HistoryEvent, item: RenderedEvent, index: number, state: RenderState): void {
  const { options } = state;
  switch (event.EventType) {
    case EventType.TaskScheduled:
    case EventType.SubOrchestrationInstanceCreated:
      state.scheduled.set(`${event.EventType}_${event.EventId}`, {
        index,
        name: event.Name,
        timestamp: event.Timestamp,
        input: event.Input,
      });
      delete item.Version;
      break;
    case EventType.TaskCompleted:
    case EventType.TaskFailed:
      foldScheduledEvent(EventType.TaskScheduled, event, item, state);
      showResult(item, options.showHistoryOutput && event.EventType === EventType.TaskCompleted);
      showFailure(item);
      break;
    case EventType.SubOrchestrationInstanceCompleted:
    case EventType.SubOrchestrationInstanceFailed:
      foldScheduledEvent(EventType.SubOrchestrationInstanceCreated, event, item, state);
      showResult(
        item,
        options.showHistoryOutput && event.EventType === EventType.SubOrchestrationInstanceCompleted,
      );
      showFailure(item);
      break;
    case EventType.ExecutionStarted:
      item.FunctionName = item.Name;
      for (const field of ['Name', 'OrchestrationInstance', 'ParentInstance', 'Version', 'Tags'])
        delete item[field];
      break;
    case EventType.ExecutionCompleted:
      if (typeof event.OrchestrationStatus === 'number') {
        item.OrchestrationStatus =
          orchestrationStatusNames[event.OrchestrationStatus] ?? event.OrchestrationStatus;
      }
      showResult(item, options.showHistoryOutput);
      if (item.OrchestrationStatus === 'Failed' && typeof item.Result === 'string') {
        item.Result = publicErrorText(item.Result);
      }
      break;
    case EventType.TimerFired:
      delete item.TimerId;
      break;
    case EventType.OrchestratorStarted:
    case EventType.OrchestratorCompleted:
      state.dropped.add(index);
      break;
  }
}

/** Copies the scheduling event's name and time onto its completion and drops the scheduling event. */
function foldScheduledEvent(
  scheduledType: number,
  event: HistoryEvent,
  item: RenderedEvent,
  state: RenderState,
): void {
  const task = state.scheduled.get(`${scheduledType}_${event.TaskScheduledId}`);
  if (task) {
    item.ScheduledTime = task.timestamp;
    item.FunctionName = task.name;
    if (state.options.showInput) item.Input = task.input;
    state.dropped.add(task.index);
  }
  delete item.TaskScheduledId;
}

// History keeps a failure's full details (stack traces name the host's folders); the API shows the gist.
function showFailure(item: RenderedEvent): void {
  for (const field of ['Reason', 'Details']) {
    const text = item[field];
    if (typeof text === 'string') item[field] = publicErrorText(text);
  }
}

function showResult(item: RenderedEvent, show: boolean): void {
  if (show) item.Result = parseStoredJson(item.Result as string | undefined);
  else delete item.Result;
}
