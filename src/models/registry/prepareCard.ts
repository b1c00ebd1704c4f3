import { ValidationError } from '../../errors';
import { checkCardFitsModel } from '../../runtime/inference/checkCardFitsModel';
import type { ModelSignature } from '../../runtime/inference/readModelSignature';
import { checkModelName, parseModelCard, type ModelCard } from '../../runtime/models/ModelCard';
import { sha256Of } from './sha256Of';

// Tag index rows carry key and value in their row key (at most 1 KiB, URI-encoded), and a version row
// and its tag rows are one transaction (at most 100 rows).
const maxTags = 50;
const maxTagKeyLength = 100;
const maxTagValueLength = 200;

/**
 * Checks a card sent with a registration and fills what the registry knows: the name (from the route;
 * a card naming another model is refused), the SHA-256 of the file (a card giving another is refused)
 * and the producer. The version is a placeholder: the registry numbers versions itself.
 */
export function prepareCard(name: string, sent: unknown, onnx: Buffer, producer?: string): ModelCard {
  checkModelName(name);
  if (onnx.length === 0) throw new ValidationError('The model file is empty.', { field: 'onnx' });
  if (sent !== undefined && (sent === null || typeof sent !== 'object' || Array.isArray(sent)))
    throw new ValidationError('The model card must be a JSON object.', { field: 'card' });
  const fields = { ...((sent as Record<string, unknown> | undefined) ?? {}) };
  if (fields.name !== undefined && fields.name !== name)
    throw new ValidationError(
      `The card names model ${JSON.stringify(fields.name)} but it is registered as "${name}".`,
      {
        field: 'card.name',
      },
    );
  const card = parseSentCard({ ...fields, name, version: 1, stage: undefined }, name);
  const sha256 = sha256Of(onnx);
  if (card.sha256 !== undefined && card.sha256 !== sha256)
    throw new ValidationError(
      `The card says SHA-256 ${card.sha256} but the model file sent has ${sha256}: wrong card or file.`,
      { field: 'card.sha256' },
    );
  checkTags(card.tags);
  return { ...card, sha256, producer: card.producer ?? producer };
}

/**
 * A card whose features, inputs or outputs the model does not have is refused at registration, with
 * the field named as the request names it (`card.features`): no job could score with it.
 */
export function checkCardFitsSignature(card: ModelCard, signature: ModelSignature): void {
  try {
    checkCardFitsModel(signature, card);
  } catch (error) {
    if (!(error instanceof ValidationError) || error.details.field === undefined) throw error;
    throw new ValidationError(error.message, { field: `card.${error.details.field}` });
  }
}

/** parseModelCard with the field named as the request names it (`card.tags.store`). */
function parseSentCard(fields: Record<string, unknown>, name: string): ModelCard {
  try {
    return parseModelCard(fields, `for ${name}`);
  } catch (error) {
    if (!(error instanceof ValidationError) || error.details.field === undefined) throw error;
    throw new ValidationError(error.message, { field: `card.${error.details.field}` });
  }
}

function checkTags(tags: Readonly<Record<string, string>>): void {
  const entries = Object.entries(tags);
  if (entries.length > maxTags)
    throw new ValidationError(`A version can carry at most ${maxTags} tags (${entries.length} given).`, {
      field: 'card.tags',
    });
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > maxTagKeyLength)
      throw new ValidationError(`Tag names are 1 to ${maxTagKeyLength} characters ("${key.slice(0, 20)}").`, {
        field: 'card.tags',
      });
    if (value.length > maxTagValueLength)
      throw new ValidationError(`Tag "${key}": values are at most ${maxTagValueLength} characters.`, {
        field: `card.tags.${key}`,
      });
  }
}
