/**
 * Feedback's public surface, for the composition root and functions/: the services, the two edges
 * (blob drop and HTTP) and the joined set retraining reads. No feature imports it.
 */
export { FeedbackStore } from './FeedbackStore';
export type { FeedbackServices } from './FeedbackServices';
export { getLiveMetrics, listFeedback, postFeedback } from './feedbackHttp';
export { processDroppedFeedback } from './processDroppedFeedback';
export { readJoinedSet } from './readJoinedSet';
