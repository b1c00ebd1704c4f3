import { createHash } from 'node:crypto';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { ValidationError } from '../errors';

/** A pinned style model's bytes, as the payload names it. */
export interface StyleModelRef {
  readonly name: string;
  readonly version: number;
  readonly sha256: string;
}

/**
 * An image-to-image style model on onnxruntime: one float32 input [batch,3,H,W] of 0..255 and one
 * output of the same shape. `size` is the model's fixed H×W, or undefined when both are dynamic.
 */
export class StyleModelSession {
  private constructor(
    private readonly session: InferenceSession,
    readonly label: string,
    readonly size: { readonly width: number; readonly height: number } | undefined,
  ) {}

  /**
   * Opens the model with the given execution provider (and intra-op threads: onnxruntime's default,
   * one per core, when undefined). Bytes whose SHA-256 is not the pinned one, or a
   * model that does not take one [batch,3,H,W] float32 tensor, are refused with a ValidationError.
   */
  static async open(
    model: StyleModelRef,
    onnx: Uint8Array,
    executionProvider: 'cuda' | 'cpu',
    intraOpThreads?: number,
  ): Promise<StyleModelSession> {
    const label = `${model.name}@${model.version}`;
    const actual = createHash('sha256').update(onnx).digest('hex');
    if (actual !== model.sha256)
      throw new ValidationError(
        `Style model ${label} refused: its model.onnx has SHA-256 ${actual}, but the work item pinned ${model.sha256}.`,
        { field: 'model.sha256' },
      );
    const session = await InferenceSession.create(onnx, {
      executionProviders: [executionProvider],
      ...(intraOpThreads === undefined ? {} : { intraOpNumThreads: intraOpThreads }),
    });
    return new StyleModelSession(session, label, checkedImageSize(session, label));
  }

  /** Styles `count` frames laid out as [count,3,height,width]; returns the output in the same layout. */
  async styleBatch(
    planes: Float32Array,
    count: number,
    width: number,
    height: number,
  ): Promise<Float32Array> {
    const input = new Tensor('float32', planes, [count, 3, height, width]);
    const outputs = await this.session.run({ [this.session.inputNames[0]!]: input });
    const output = outputs[this.session.outputNames[0]!]!;
    if (output.type !== 'float32' || output.size !== planes.length)
      throw new ValidationError(
        `Style model ${this.label} returned ${output.type} [${output.dims.join(',')}] for [${count},3,${height},${width}]; ` +
          'a style model returns float32 images of its input shape.',
        { field: 'model' },
      );
    return output.data as Float32Array;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

function checkedImageSize(
  session: InferenceSession,
  label: string,
): { width: number; height: number } | undefined {
  const [input, ...more] = session.inputMetadata;
  const output = session.outputMetadata[0];
  const shape = input?.isTensor ? input.shape : undefined;
  if (
    !input?.isTensor ||
    more.length > 0 ||
    input.type !== 'float32' ||
    shape?.length !== 4 ||
    shape[1] !== 3 ||
    !output?.isTensor
  )
    throw new ValidationError(
      `Model ${label} is not a style model: it must take one float32 image tensor [batch,3,height,width] and return one.`,
      { field: 'model' },
    );
  const [, , height, width] = shape;
  return typeof height === 'number' && typeof width === 'number' ? { width, height } : undefined;
}
