import { ValidationError } from '../../errors';
import type { ImageInput, ImageInputSignature, ImageTensorPlan } from './ImageInput';

/**
 * Resolves a card's `image` description against the model's inputs: which input, its layout, element
 * type, channels and size (fixed by the model, or from the card where the model leaves them dynamic),
 * and the normalisation. Anything that cannot be fed is a ValidationError naming the card field
 * (`image.width`, ...), so registration refuses such a card and a job says why it cannot run.
 */
export function planImageInput(
  model: string,
  inputs: readonly ImageInputSignature[],
  image: ImageInput = {},
): ImageTensorPlan {
  const input = imageInputOf(model, inputs, image);
  const shape = input.shape;
  if (!input.isTensor || shape.length !== 4)
    throw problem(
      `Model "${model}" input "${input.name}" has shape [${shape.join(',')}]: an image input is [batch, channels, height, width] or [batch, height, width, channels]`,
      'image.input',
    );
  const dtype = dtypeOf(model, input, image);
  const layout = image.layout ?? guessLayout(shape);
  const [c, h, w] = layout === 'NCHW' ? [shape[1], shape[2], shape[3]] : [shape[3], shape[1], shape[2]];
  const channels = c === undefined || typeof c === 'string' ? 3 : c;
  if (channels !== 1 && channels !== 3)
    throw problem(
      `Model "${model}" input "${input.name}" takes ${channels} channels in layout ${layout}: images are fed as 1 (grey) or 3 (colour) channels; check image.layout`,
      'image.layout',
    );
  const plan: ImageTensorPlan = {
    input: input.name,
    layout,
    dtype,
    ...(typeof shape[0] === 'number' ? { batch: shape[0] } : {}),
    channels,
    height: sizeOf(model, input.name, h, image.height, 'height'),
    width: sizeOf(model, input.name, w, image.width, 'width'),
    resize: image.resize ?? 'cover',
    channelOrder: image.channelOrder ?? 'RGB',
    scale: image.scale ?? 1,
    mean: perChannel(image.mean ?? [0], channels, 'image.mean'),
    std: perChannel(image.std ?? [1], channels, 'image.std'),
  };
  const normalised = plan.scale !== 1 || plan.mean.some((m) => m !== 0) || plan.std.some((s) => s !== 1);
  if (dtype === 'uint8' && normalised)
    throw problem(
      `Model "${model}" takes uint8 pixels: image.scale, image.mean and image.std apply to float32 inputs only`,
      'image.scale',
    );
  return plan;
}

function imageInputOf(model: string, inputs: readonly ImageInputSignature[], image: ImageInput) {
  if (image.input !== undefined) {
    const named = inputs.find((input) => input.name === image.input);
    if (named) return named;
    throw problem(
      `Model "${model}" has no input "${image.input}" (inputs: ${inputs.map((i) => i.name).join(', ')})`,
      'image.input',
    );
  }
  const [only, ...others] = inputs;
  if (only === undefined || others.length > 0)
    throw problem(
      `Model "${model}" has ${inputs.length} inputs: its card must name the image input with image.input`,
      'image.input',
    );
  return only;
}

function dtypeOf(model: string, input: ImageInputSignature, image: ImageInput): 'float32' | 'uint8' {
  const type = input.elementType;
  if (type !== 'float32' && type !== 'uint8')
    throw problem(
      `Model "${model}" input "${input.name}" has element type ${type ?? 'unknown'}: images are fed as float32 or uint8`,
      'image.dtype',
    );
  if (image.dtype !== undefined && image.dtype !== type)
    throw problem(
      `Model "${model}" input "${input.name}" takes ${type}, but its card says image.dtype ${image.dtype}`,
      'image.dtype',
    );
  return type;
}

function guessLayout(shape: readonly (number | string)[]): 'NCHW' | 'NHWC' {
  const small = (dim: number | string | undefined) => dim === 1 || dim === 3;
  return small(shape[3]) && !small(shape[1]) ? 'NHWC' : 'NCHW';
}

function sizeOf(
  model: string,
  input: string,
  dim: number | string | undefined,
  given: number | undefined,
  what: 'width' | 'height',
): number {
  if (typeof dim === 'number') {
    if (given !== undefined && given !== dim)
      throw problem(
        `Model "${model}" input "${input}" has a fixed ${what} of ${dim}, but its card says image.${what} ${given}`,
        `image.${what}`,
      );
    return dim;
  }
  if (given === undefined)
    throw problem(
      `Model "${model}" input "${input}" leaves its ${what} dynamic: give image.${what} in its card`,
      `image.${what}`,
    );
  return given;
}

function perChannel(values: readonly number[], channels: number, field: string): number[] {
  if (values.length === 1) return Array.from({ length: channels }, () => values[0]!);
  if (values.length === channels) return [...values];
  throw problem(`${field} has ${values.length} values: give 1, or one per channel (${channels})`, field);
}

function problem(message: string, field: string): ValidationError {
  return new ValidationError(message, { field });
}
