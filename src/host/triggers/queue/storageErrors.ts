import { RestError } from '@azure/storage-queue';

/** The storage error code of a failed request (e.g. "QueueNotFound"), if it has one. */
export function storageErrorCode(error: unknown): string | undefined {
  if (!(error instanceof RestError)) return undefined;
  const details = error.details as { errorCode?: string } | undefined;
  return details?.errorCode ?? error.code;
}

/**
 * The message is no longer ours to change: deleted, taken over by another receiver (its pop receipt
 * changed) or its queue is gone. The queue processor treats these as nothing left to do.
 */
export function isMessageGone(error: unknown): boolean {
  const code = storageErrorCode(error);
  return (
    code === 'MessageNotFound' ||
    code === 'QueueNotFound' ||
    code === 'PopReceiptMismatch' ||
    code === 'QueueBeingDeleted' ||
    code === 'QueueDisabled'
  );
}
