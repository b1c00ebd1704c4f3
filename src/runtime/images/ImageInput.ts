import { z } from 'zod';

/** How a model's image input is fed, as its model card's `image` field says it. */
export const imageInputSchema = z.strictObject({
  /** The model input that takes the images; default: the model's one input. */
  input: z.string().min(1).optional(),
  /** Default: NHWC when the input's last dimension is 1 or 3 and its second is not, else NCHW. */
  layout: z.enum(['NCHW', 'NHWC']).optional(),
  /** Checked against the model's element type, which is the default. */
  dtype: z.enum(['float32', 'uint8']).optional(),
  /** Pixels the model takes; required where the model's input leaves the dimension dynamic. */
  width: z.int().min(1).max(8192).optional(),
  height: z.int().min(1).max(8192).optional(),
  /**
   * How an image of another size is brought to the model's: `cover` (the default) scales it to cover
   * the size and crops the centre, `contain` scales it to fit and pads with black, `fill` stretches it.
   */
  resize: z.enum(['cover', 'contain', 'fill']).optional(),
  /** Channel order of a 3-channel input; default RGB. */
  channelOrder: z.enum(['RGB', 'BGR']).optional(),
  /** Each value is (pixel × scale − mean[c]) / std[c]; defaults 1, 0, 1 (pixels 0..255 as they are). */
  scale: z.number().positive().optional(),
  mean: z.array(z.number()).min(1).max(3).optional(),
  std: z.array(z.number().positive()).min(1).max(3).optional(),
});

export type ImageInput = z.infer<typeof imageInputSchema>;

/** A model input as the image planner needs it (onnxruntime's view: dims are numbers or names). */
export interface ImageInputSignature {
  readonly name: string;
  readonly isTensor: boolean;
  readonly elementType?: string;
  readonly shape: readonly (number | string)[];
}

/**
 * An image input with every default applied and checked against the model: what preprocessing does
 * for each image. Serializable: it travels in job plans and worker tasks.
 */
export interface ImageTensorPlan {
  readonly input: string;
  readonly layout: 'NCHW' | 'NHWC';
  readonly dtype: 'float32' | 'uint8';
  /** The model's fixed batch size, if it has one (runs are then chunked to it). */
  readonly batch?: number;
  readonly channels: 1 | 3;
  readonly height: number;
  readonly width: number;
  readonly resize: 'cover' | 'contain' | 'fill';
  readonly channelOrder: 'RGB' | 'BGR';
  readonly scale: number;
  /** One value per channel. */
  readonly mean: readonly number[];
  readonly std: readonly number[];
}
