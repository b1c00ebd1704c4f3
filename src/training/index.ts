/**
 * Training's public surface, for the features built on it (many models): the ridge trainer and its
 * ONNX export, metrics, training tables and CSV parsing, run ids, and the promotion policy and its
 * decision (a candidate against production). Everything else in this folder is training's own.
 */
export { predictLinear, type DesignMatrix, type LinearModel } from './fitRidge';
export { linearModelToOnnx } from './linearModelToOnnx';
export { evaluateRegression } from './metrics';
export { parseTrainingCsv } from './retrain/parseTrainingCsv';
export { decidePromotion, type PromotionDecision, type PromotionPolicy } from './retrain/decidePromotion';
export { effectivePolicy } from './retrain/RetrainDeclaration';
export { newRunId, scheduledRunId, scheduleOccurrence } from './retrain/startRetrain';
export { cellNumber, columnOf, numericColumn, type TrainingTable } from './TrainingTable';
export { trainRidgeOn } from './trainRidge';
