/**
 * Streaming's public surface (for the composition root and functions/): stream definitions and the
 * per-batch handler. No other feature uses streaming.
 */
export { loadStreamDefinitions } from './loadStreamDefinitions';
export type { StreamDefinition } from './StreamDefinition';
