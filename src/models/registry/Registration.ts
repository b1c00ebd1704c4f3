import type { ModelCard } from '../../runtime/models/ModelCard';
import type { ModelVersionInfo } from './registryRows';

/** What a registration is given: the model file and a card (name and version come from the registry). */
export interface RegistrationRequest {
  readonly name: string;
  readonly onnx: Buffer;
  /** The card as sent (JSON); checked here. */
  readonly card?: unknown;
  readonly producer?: string;
  /**
   * Makes the registration idempotent: a registration with a key already used returns the version
   * registered with it (`existing: true`) instead of adding one, even when both run at once. The key
   * is checked when the version's rows are written (no read before): a repeat uses up a number.
   */
  readonly idempotencyKey?: string;
  /**
   * Declares the model per key: the tag columns that make a version's key (its card must carry them).
   * The first registration that declares it sets it on the model, whose stages are then per key (one
   * production version per key); a different declaration later is a ConflictError.
   */
  readonly partitionBy?: readonly string[];
}

export interface RegisteredVersion extends ModelVersionInfo {
  readonly card: ModelCard;
  /** Set when an idempotent registration found the version registered earlier with its key. */
  readonly existing?: true;
}
