// Container work dispatch: the public surface. See docs/container-jobs.md.
export {
  WorkCancelledError,
  cancelMarkerName,
  workControlContainer,
  workEventName,
  workItemId,
  workItemSchema,
  workResultSchema,
  type WorkDispatcher,
  type WorkHandler,
  type WorkHandlerContext,
  type WorkItem,
  type WorkResult,
} from './workContracts';
export { decodeWorkResult, encodeQueueMessage, parseWorkResult } from './workMessages';
export { isJobCancelled, markJobCancelled } from './cancelMarkers';
export { raiseWorkResult } from './raiseWorkResult';
export { createWorkDispatcher } from './createWorkDispatcher';
export { LocalProcessDispatcher, type LocalProcessDispatcherOptions } from './LocalProcessDispatcher';
export {
  ContainerAppsDispatcher,
  type ContainerAppsDispatcherOptions,
  type ContainerAppsJobOptions,
  type JobExecutionStatus,
} from './ContainerAppsDispatcher';
