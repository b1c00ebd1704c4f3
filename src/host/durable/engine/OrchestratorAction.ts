/** Action types of the out-of-proc protocol (durable-functions' ActionType enum). */
export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

export interface RetryOptions {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

/** One action as the orchestrator's state reports it (schema V2). */
export interface OrchestratorAction {
  actionType: number;
  functionName?: string;
  input?: unknown;
  instanceId?: string;
  retryOptions?: RetryOptions;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  compoundActions?: OrchestratorAction[];
  /** CallEntity, SignalEntity: the operation (the target entity is `instanceId`, `@name@key`). */
  operation?: string;
  /** LockEntities: the lock request's id and the entities to lock (sorted, without repeats). */
  lockRequestId?: string;
  lockSet?: { name: string; key: string }[];
}

/** The orchestrator's reply: `returnValue.json` of an orchestration invocation. */
export interface OrchestratorState {
  isDone: boolean;
  actions: OrchestratorAction[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  schemaVersion?: number;
}

/**
 * An action's input as JSON text. The SDK JSON-encodes string inputs of activities and continueAsNew
 * once before putting them in the action (so a string there is already JSON text), but passes
 * sub-orchestration and entity operation inputs through as they are.
 */
export function actionInputToJson(action: OrchestratorAction): string | undefined {
  const { input } = action;
  if (input === undefined) return undefined;
  const preEncoded =
    typeof input === 'string' &&
    action.actionType !== ActionType.CallSubOrchestrator &&
    action.actionType !== ActionType.CallSubOrchestratorWithRetry &&
    action.actionType !== ActionType.CallEntity &&
    action.actionType !== ActionType.SignalEntity;
  return preEncoded ? input : JSON.stringify(input);
}
