/** Images in and out of models: the card's `image` description, decoding, tensors, PNG output. */
export { imageInputSchema, type ImageInput, type ImageTensorPlan } from './ImageInput';
export { planImageInput } from './planImageInput';
export { decodeImage, writeImageTensor } from './decodeImage';
export { tensorToPng, type ImageTensor } from './tensorToPng';
export { topClasses, type ClassScore } from './topClasses';
