/**
 * Video style transfer's public surface, for the composition root, functions/ and the worker: the ffmpeg
 * media steps and the `styleFrames` work handler. Everything else in this folder is its own.
 */
export { assembleVideo, type AssembleOptions, type OutputCodec } from './media/assembleVideo';
export { formatFrameRate, frameRateValue, type FrameRate } from './media/FrameRate';
export { probeVideo, type ProbeOptions, type VideoProbe } from './media/probeVideo';
export { FfmpegError, type FfmpegProgress } from './media/runFfmpeg';
export { framePattern, splitVideo, type SplitOptions } from './media/splitVideo';
export { createStyleFrames, styleFrames, type BatchTiming, type StyleFramesOutput } from './styleFrames';
export { frameBlobName, parseStyleFramesPayload, type StyleFramesPayload } from './StyleFramesPayload';
