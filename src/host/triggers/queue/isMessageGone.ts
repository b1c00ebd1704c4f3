import { storageErrorCode } from '../../storage/storageErrors';

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
