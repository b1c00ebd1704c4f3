import { UnknownEventHubError } from '../HubDirectory';

/**
 * An error the endpoint reports to an AMQP peer: an AMQP (or Microsoft) error condition and the service's
 * description. The Event Hubs SDKs turn the condition into their error types (`amqp:not-found` into
 * MessagingEntityNotFoundError, `amqp:link:stolen` into ReceiverDisconnectedError, ...).
 */
export class AmqpError extends Error {
  override name = 'AmqpError';

  constructor(
    readonly condition: string,
    readonly description: string,
    /** The HTTP-like status a request/response reply ($cbs, $management) carries. */
    readonly status = 500,
  ) {
    super(description);
  }

  /** The error as rhea sends it on a detach, end or close. */
  toAmqp(): { condition: string; description: string } {
    return { condition: this.condition, description: this.description };
  }
}

export const conditions = {
  notFound: 'amqp:not-found',
  unauthorized: 'amqp:unauthorized-access',
  linkStolen: 'amqp:link:stolen',
  messageTooLarge: 'amqp:link:message-size-exceeded',
  resourceLimit: 'amqp:resource-limit-exceeded',
  invalidField: 'amqp:invalid-field',
  notImplemented: 'amqp:not-implemented',
  argumentError: 'com.microsoft:argument-error',
  argumentOutOfRange: 'com.microsoft:argument-out-of-range',
  internal: 'amqp:internal-error',
} as const;

/** Any error as an AmqpError; an unexpected one becomes an internal error that says only its message. */
export function toAmqpError(error: unknown): AmqpError {
  if (error instanceof AmqpError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof UnknownEventHubError) return new AmqpError(conditions.notFound, message, 404);
  if ((error as { name?: string }).name === 'InvalidEventsError')
    return new AmqpError(conditions.argumentError, message, 400);
  return new AmqpError(conditions.internal, `The local Event Hubs endpoint failed: ${message}`, 500);
}
