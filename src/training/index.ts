/**
 * Training's public surface, for the features built on it (many models): the ridge trainer and its
 * ONNX export, metrics, training tables and CSV parsing, and run ids. Everything else in this folder
 * is training's own.
 */
export { predictLinear, type DesignMatrix, type LinearModel } from './fitRidge';
export { linearModelToOnnx } from './linearModelToOnnx';
export { evaluateRegression } from './metrics';
export { parseTrainingCsv } from './retrain/parseTrainingCsv';
export { newRunId } from './retrain/startRetrain';
export { cellNumber, columnOf, numericColumn, type TrainingTable } from './TrainingTable';
export { trainRidgeOn } from './trainRidge';
