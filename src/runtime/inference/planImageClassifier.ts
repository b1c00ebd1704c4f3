import { ValidationError } from '../../errors';
import type { ImageTensorPlan } from '../images/ImageInput';
import { planImageInput } from '../images/planImageInput';
import type { ModelCard } from '../models/ModelCard';
import { chooseOutputs } from './chooseOutputs';
import type { ModelSignature } from './readModelSignature';

/** How an image classifier is fed and read: its image input, its score output and the class labels. */
export interface ImageClassifierPlan {
  readonly tensor: ImageTensorPlan;
  readonly output: { readonly name: string; readonly elementType: string };
  /** Scores per image, when the output's shape fixes it. */
  readonly classes?: number;
  /** The card's labels, one per class; absent when the card has none (rows then show the index). */
  readonly labels?: readonly string[];
}

/**
 * Checks that a model can classify images as its card describes: an image input (planImageInput), a
 * numeric output of one row of scores per image (the card's first `outputs`, else the first numeric
 * output), and as many labels as scores. Problems are ValidationErrors naming the card field.
 */
export function planImageClassifier(
  signature: ModelSignature,
  card: ModelCard | undefined,
): ImageClassifierPlan {
  const tensor = planImageInput(signature.model, signature.inputs, card?.image);
  const output = chooseOutputs(signature, card, [])[0]!;
  const shape = signature.outputs.find((o) => o.name === output.name)?.shape ?? [];
  const rest = shape.slice(1);
  const classes =
    rest.length > 0 && rest.every((d) => typeof d === 'number') ? rest.reduce((a, b) => a * b, 1) : undefined;
  const labels = card?.labels;
  if (labels !== undefined && classes !== undefined && labels.length !== classes)
    throw new ValidationError(
      `Model "${signature.model}" output "${output.name}" gives ${classes} scores per image but its card has ${labels.length} labels`,
      { field: 'labels' },
    );
  return { tensor, output, ...(classes === undefined ? {} : { classes }), ...(labels ? { labels } : {}) };
}
