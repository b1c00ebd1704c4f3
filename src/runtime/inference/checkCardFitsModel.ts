import { ValidationError } from '../../errors';
import type { ModelCard } from '../models/ModelCard';
import { chooseOutputs } from './chooseOutputs';
import { planImageClassifier } from './planImageClassifier';
import type { ModelSignature, ValueSignature } from './readModelSignature';

/**
 * Checks what a card says about a model's inputs and outputs against the model itself, without data:
 * `features` against its one input's width, `inputs` against its inputs' names and widths, `outputs`
 * against its outputs, `image` and `labels` against its image input and scores. Registration runs it, so a card that could never score is refused when it is
 * sent rather than when a job first uses it; mapFeatures runs it before it maps columns.
 */
export function checkCardFitsModel(signature: ModelSignature, card: ModelCard): void {
  const model = signature.model;
  if (card.features !== undefined) {
    const input = singleInput(signature, 'features');
    const width = fixedWidth(input);
    if (width !== undefined && card.features.length !== width) {
      throw new ValidationError(
        `Model "${model}" input "${input.name}" takes ${width} features but its card lists ${card.features.length}`,
        { field: 'features' },
      );
    }
  }
  if (card.inputs !== undefined) checkCardInputs(signature, card.inputs);
  if (card.outputs !== undefined) chooseOutputs(signature, card, []);
  if (card.image !== undefined) planImageClassifier(signature, card);
}

/**
 * The model's one input; a model with none, or with several (the card must map each), is refused
 * with a ValidationError on `field`.
 */
export function singleInput(signature: ModelSignature, field = 'model'): ValueSignature {
  const model = signature.model;
  const [input, ...others] = signature.inputs;
  if (input === undefined) throw new ValidationError(`Model "${model}" declares no inputs`, { field });
  if (others.length > 0) {
    const names = signature.inputs.map((i) => i.name).join(', ');
    throw new ValidationError(
      `Model "${model}" has ${signature.inputs.length} inputs (${names}): its model card must map columns to each with "inputs"`,
      { field },
    );
  }
  return input;
}

/** Values per row the input takes, when its shape fixes it. */
export function fixedWidth(input: ValueSignature): number | undefined {
  const rest = input.shape.slice(1);
  if (input.shape.length === 1) return 1;
  if (rest.length === 0 || rest.some((dim) => typeof dim !== 'number')) return undefined;
  return (rest as number[]).reduce((a, b) => a * b, 1);
}

function checkCardInputs(signature: ModelSignature, cardInputs: NonNullable<ModelCard['inputs']>): void {
  const model = signature.model;
  const unmapped = signature.inputs.filter((input) => !cardInputs.some((c) => c.name === input.name));
  const unknown = cardInputs.filter((c) => !signature.inputs.some((input) => input.name === c.name));
  if (unmapped.length > 0 || unknown.length > 0) {
    const parts = [
      unmapped.length > 0 ? `inputs not in its card: ${unmapped.map((i) => i.name).join(', ')}` : '',
      unknown.length > 0 ? `card inputs the model lacks: ${unknown.map((c) => c.name).join(', ')}` : '',
    ];
    throw new ValidationError(`Model "${model}": ${parts.filter(Boolean).join('; ')}`, { field: 'inputs' });
  }
  for (const input of signature.inputs) {
    const mapped = cardInputs.find((c) => c.name === input.name)?.columns ?? [];
    const width = fixedWidth(input);
    if (width !== undefined && width !== mapped.length) {
      throw new ValidationError(
        `Model "${model}" input "${input.name}" takes ${width} values per row but its card lists ${mapped.length} columns`,
        { field: 'inputs' },
      );
    }
  }
}
