import { ValidationError } from '../../errors';
import { parseModelCard, type ModelCard } from '../../runtime/models/ModelCard';
import type { ModelVersionInfo } from './registryRows';
import { sha256Of } from './sha256Of';

/** A version's bytes as read from the registry, checked against the SHA-256 it was registered with. */
export interface VerifiedModel {
  readonly onnx: Buffer;
  readonly card: ModelCard;
}

/** A stored card's JSON, parsed; `where` names it in errors. */
export function parseStoredCard(text: string, where: string): ModelCard {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`Model card ${where} is not JSON: ${(error as Error).message}`, {
      file: where,
    });
  }
  return parseModelCard(value, where);
}

/** Refuses a model.onnx whose SHA-256 is not the one its version was registered with. */
export function verifyOnnx(
  info: Pick<ModelVersionInfo, 'name' | 'version' | 'sha256'>,
  onnx: Buffer,
  place: string,
): void {
  const actual = sha256Of(onnx);
  if (actual !== info.sha256) {
    throw new ValidationError(
      `Model ${info.name}@${info.version} refused: ${place} has SHA-256 ${actual} but the version was ` +
        `registered with ${info.sha256}; the file was changed after registration (register a new version instead).`,
      { field: 'sha256', file: place },
    );
  }
}

/** Refuses a card that names another SHA-256 than its version was registered with. */
export function verifyCard(
  info: Pick<ModelVersionInfo, 'name' | 'version' | 'sha256'>,
  card: ModelCard,
  place: string,
): void {
  if (card.sha256 !== info.sha256) {
    throw new ValidationError(
      `Model ${info.name}@${info.version} refused: its card (${place}) says SHA-256 ${card.sha256 ?? '(none)'} ` +
        `but the version was registered with ${info.sha256}.`,
      { field: 'sha256', file: place },
    );
  }
}
