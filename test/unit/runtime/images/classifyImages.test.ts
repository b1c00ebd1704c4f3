import path from 'node:path';
import sharp from 'sharp';
import { ValidationError } from '../../../../src/errors';
import { decodeImage, writeImageTensor } from '../../../../src/runtime/images/decodeImage';
import type { ImageTensorPlan } from '../../../../src/runtime/images/ImageInput';
import { planImageInput } from '../../../../src/runtime/images/planImageInput';
import { tensorToPng } from '../../../../src/runtime/images/tensorToPng';
import { topClasses } from '../../../../src/runtime/images/topClasses';
import { InferencePool } from '../../../../src/runtime/inference/InferencePool';
import { colourClassifierOnnx, gradientImage, referenceImageScores } from '../../../support/imageReference';
import { fixtureModel, fixturesDir, handle } from '../inference/testModels';

const squeezenetInput = [{ name: 'data_0', isTensor: true, elementType: 'float32', shape: [1, 3, 224, 224] }];

describe('planImageInput', () => {
  it('reads size, layout and batch from a fixed NCHW input, with the card normalisation', () => {
    expect(
      planImageInput('sq', squeezenetInput, { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229] }),
    ).toEqual({
      input: 'data_0',
      layout: 'NCHW',
      dtype: 'float32',
      batch: 1,
      channels: 3,
      height: 224,
      width: 224,
      resize: 'cover',
      channelOrder: 'RGB',
      scale: 1 / 255,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.229, 0.229],
    });
  });

  it('takes a dynamic size from the card and guesses NHWC from the shape', () => {
    const inputs = [{ name: 'x', isTensor: true, elementType: 'uint8', shape: ['N', 'H', 'W', 3] }];
    expect(planImageInput('m', inputs, { width: 64, height: 48 })).toMatchObject({
      layout: 'NHWC',
      dtype: 'uint8',
      height: 48,
      width: 64,
    });
    expect(planImageInput('m', inputs, { width: 64, height: 48 })).not.toHaveProperty('batch');
  });

  it.each([
    [
      'a dynamic width the card does not give',
      [{ name: 'x', isTensor: true, elementType: 'float32', shape: [1, 3, 8, 'W'] }],
      {},
      'image.width',
      /leaves its width dynamic: give image.width/,
    ],
    [
      'a card width that differs from the model',
      squeezenetInput,
      { width: 100 },
      'image.width',
      /fixed width of 224, but its card says image.width 100/,
    ],
    [
      'a tabular input',
      [{ name: 'x', isTensor: true, elementType: 'float32', shape: ['N', 10] }],
      {},
      'image.input',
      /has shape \[N,10\]: an image input is/,
    ],
    [
      'a string input',
      [{ name: 'x', isTensor: true, elementType: 'string', shape: [1, 3, 8, 8] }],
      {},
      'image.dtype',
      /element type string/,
    ],
    [
      'a dtype the model does not take',
      squeezenetInput,
      { dtype: 'uint8' as const },
      'image.dtype',
      /takes float32, but its card says image.dtype uint8/,
    ],
    [
      'an input the model lacks',
      squeezenetInput,
      { input: 'pixels' },
      'image.input',
      /has no input "pixels" \(inputs: data_0\)/,
    ],
    [
      'two means for three channels',
      squeezenetInput,
      { mean: [1, 2] },
      'image.mean',
      /image.mean has 2 values: give 1, or one per channel \(3\)/,
    ],
    [
      '4 channels',
      [{ name: 'x', isTensor: true, elementType: 'float32', shape: [1, 4, 8, 8] }],
      {},
      'image.layout',
      /takes 4 channels in layout NCHW/,
    ],
  ])('refuses %s, naming the card field', (_, inputs, image, field, message) => {
    let error: unknown;
    try {
      planImageInput('m', inputs, image);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details.field).toBe(field);
    expect((error as Error).message).toMatch(message);
  });
});

describe('image tensors', () => {
  const plan = (layout: 'NCHW' | 'NHWC'): ImageTensorPlan => ({
    input: 'x',
    layout,
    dtype: 'float32',
    channels: 3,
    height: 6,
    width: 5,
    resize: 'fill',
    channelOrder: 'RGB',
    scale: 1,
    mean: [0, 0, 0],
    std: [1, 1, 1],
  });

  it.each(['NCHW', 'NHWC'] as const)(
    'round-trip an image through a %s tensor and PNG unchanged',
    async (layout) => {
      const png = await gradientImage(5, 6, 3, 'png');
      const pixels = await decodeImage(png, plan(layout), 'a.png');
      const tensor = new Float32Array(2 * pixels.length);
      writeImageTensor(pixels, plan(layout), tensor, 1);
      const dims = layout === 'NCHW' ? [2, 3, 6, 5] : [2, 6, 5, 3];
      const back = await tensorToPng({ data: tensor, dims, layout, index: 1 });
      const decoded = await sharp(back).raw().toBuffer();
      expect(decoded.equals(pixels)).toBe(true);
    },
  );

  it('normalises each channel as (pixel × scale − mean) / std, BGR reversing the channels', () => {
    const pixels = Uint8Array.of(10, 20, 30);
    const target = new Float32Array(3);
    const bgr = {
      ...plan('NCHW'),
      height: 1,
      width: 1,
      channelOrder: 'BGR' as const,
      scale: 0.5,
      mean: [1, 2, 3],
      std: [2, 4, 8],
    };
    writeImageTensor(pixels, bgr, target, 0);
    expect(Array.from(target)).toEqual([(15 - 1) / 2, (10 - 2) / 4, (5 - 3) / 8]);
  });

  it('reports bytes that are no image by name', async () => {
    await expect(decodeImage(Buffer.from('not an image'), plan('NCHW'), 'in/bad.jpg')).rejects.toThrow(
      /^Image in\/bad\.jpg cannot be decoded: /,
    );
    const jpeg = await gradientImage(40, 30, 1, 'jpeg');
    await expect(decodeImage(jpeg.subarray(0, jpeg.length / 2), plan('NCHW'), 'cut.jpg')).rejects.toThrow(
      /^Image cut\.jpg cannot be decoded: /,
    );
  });

  it('ranks the top classes highest first, ties in class order', () => {
    expect(topClasses([0.1, 0.5, 0.2, 0.5, 0.9, 0], 1, 5, 3)).toEqual([
      { index: 3, score: 0.9 },
      { index: 0, score: 0.5 },
      { index: 2, score: 0.5 },
    ]);
  });
});

describe('classifyImages on the worker pool', () => {
  const pool = new InferencePool({ size: 1 });
  afterAll(() => pool.close());

  it('equals onnxruntime run directly on the same preprocessed tensors; a corrupt image is reported', async () => {
    const model = fixtureModel('light-squeezenet', 'light_squeezenet.onnx');
    const tensor = planImageInput('sq', squeezenetInput, {
      scale: 1 / 255,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
    });
    const images = [
      { name: 'a.png', bytes: await gradientImage(300, 200, 1, 'png') },
      { name: 'b.jpg', bytes: await gradientImage(64, 128, 2, 'jpeg') },
      { name: 'bad.jpg', bytes: Buffer.from('garbage') },
      { name: 'c.png', bytes: await gradientImage(224, 224, 5, 'png') },
    ];
    const modelPath = path.join(fixturesDir, 'light-squeezenet', 'light_squeezenet.onnx');
    const expected = await referenceImageScores(modelPath, tensor, [images[0]!, images[1]!, images[3]!]);
    const results = await pool.classifyImages(model, {
      images: images.map((i) => ({ ...i, bytes: Uint8Array.from(i.bytes) })),
      tensor,
      output: 'softmaxout_1',
      topK: 5,
    });
    expect(results.map((r) => r.name)).toEqual(['a.png', 'b.jpg', 'bad.jpg', 'c.png']);
    expect(results[2]).toEqual({
      name: 'bad.jpg',
      error: expect.stringMatching(/^Image bad\.jpg cannot be decoded: /) as unknown,
    });
    [0, 1, 3].forEach((at, i) => {
      const result = results[at];
      const top = result && 'top' in result ? result.top : [];
      expect(top).toEqual(topClasses(expected[i]!, 0, 1000, 5));
    });
  });

  it('feeds uint8 NHWC images of a dynamic size, resized as the card says, as onnxruntime does directly', async () => {
    const onnx = colourClassifierOnnx();
    const inputs = [{ name: 'pixels', isTensor: true, elementType: 'uint8', shape: ['N', 'H', 'W', 3] }];
    const tensor = planImageInput('colours', inputs, { width: 40, height: 30, resize: 'contain' });
    const images = await Promise.all(
      [1, 2, 3, 4, 5].map(async (seed) => ({
        name: `${seed}.${seed % 2 ? 'png' : 'jpg'}`,
        bytes: await gradientImage(20 + seed * 30, 90 - seed * 10, seed, seed % 2 ? 'png' : 'jpeg'),
      })),
    );
    const expected = await referenceImageScores(onnx, tensor, images);
    const results = await pool.classifyImages(handle('colours', onnx), {
      images: images.map((i) => ({ ...i, bytes: Uint8Array.from(i.bytes) })),
      tensor,
      output: 'scores',
      topK: 4,
    });
    const tops = results.map((result) => ('top' in result ? result.top : []));
    tops.forEach((top, i) => expect(top).toEqual(topClasses(expected[i]!, 0, 4, 4)));
    // The pictures differ, and so do their rankings: the comparison cannot pass on one repeated answer.
    expect(new Set(tops.map((top) => top.map((c) => c.index).join())).size).toBeGreaterThan(1);
  });
});
