import { ValidationError } from '../../errors';
import type { ModelCard } from '../models/ModelCard';
import type { ModelSignature, ValueSignature } from './readModelSignature';

/** Output element types that become prediction columns (small integers and bool widen to int32). */
const fetchableTypes = new Set([
  'float32',
  'float64',
  'int32',
  'int64',
  'int8',
  'uint8',
  'int16',
  'uint16',
  'uint32',
  'bool',
]);

/**
 * The outputs to fetch: the card's `outputs` (each must be a numeric tensor), else every numeric tensor
 * output, with a note for each one skipped (ZipMap maps, string labels).
 */
export function chooseOutputs(
  signature: ModelSignature,
  card: ModelCard | undefined,
  notes: string[],
): { name: string; elementType: string }[] {
  const model = signature.model;
  if (card?.outputs !== undefined) {
    return card.outputs.map((name) => {
      const output = signature.outputs.find((o) => o.name === name);
      const why = output === undefined ? 'the model has no such output' : unfetchableReason(output);
      if (why !== undefined) {
        const known = signature.outputs.map((o) => o.name).join(', ');
        throw new ValidationError(`Model "${model}" card output "${name}": ${why} (outputs: ${known})`, {
          field: 'outputs',
        });
      }
      return { name, elementType: output?.elementType ?? '' };
    });
  }
  const chosen: { name: string; elementType: string }[] = [];
  for (const output of signature.outputs) {
    const why = unfetchableReason(output);
    if (why === undefined) chosen.push({ name: output.name, elementType: output.elementType ?? '' });
    else notes.push(`Output "${output.name}" of model "${model}" skipped: ${why}`);
  }
  if (chosen.length === 0) {
    throw new ValidationError(`Model "${model}" has no numeric tensor output to fetch`, { field: 'outputs' });
  }
  return chosen;
}

function unfetchableReason(output: ValueSignature): string | undefined {
  if (!output.isTensor)
    return 'not a tensor (e.g. a ZipMap of class probabilities), which onnxruntime-node cannot return';
  if (!fetchableTypes.has(output.elementType ?? ''))
    return `element type ${output.elementType} is not numeric`;
  return undefined;
}
