import * as df from 'durable-functions';
import {
  frameUnits,
  workPrefixes,
  videoActivityNames as activity,
  type AssembledVideo,
  type PrepareResult,
  type StyleVideoInput,
  type VideoOutcome,
  type VideoProgress,
  type VideoState,
  type VideoUnitRun,
} from '../video/job/videoJobContracts';
import { runWorkUnits } from './runWorkUnits';

const retry = new df.RetryOptions(1000, 3);
/** Frames per inference call inside a work item. */
const inferenceBatch = 2;

/**
 * Neural style transfer of one video: prepare (probe, split into frames and audio, pin the model),
 * style the frames as work items on the container dispatcher (frame ranges, retried on failure or
 * timeout, progress in the custom status), assemble the styled frames with the original audio at the
 * source frame rate, and record the end. A cancel (POST /api/videos/{id}/cancel) terminates it and
 * tells running workers to stop.
 */
export function* styleVideo(context: df.OrchestrationContext): Generator<df.Task, VideoOutcome, unknown> {
  const input = context.df.getInput<StyleVideoInput>();
  const status = (progress: VideoProgress) => context.df.setCustomStatus(progress);
  status({ stage: 'preparing', framesDone: 0, framesTotal: 0 });

  let state: VideoState = 'Failed';
  let reason: string | undefined;
  let assembled: AssembledVideo | undefined;
  try {
    const prepared = (yield context.df.callActivityWithRetry(
      activity.prepare,
      retry,
      input,
    )) as PrepareResult;
    if ('error' in prepared) {
      reason = prepared.error;
    } else {
      const ranges = frameUnits(prepared.frames, input.batchFrames);
      status({ stage: 'styling', framesDone: 0, framesTotal: prepared.frames });
      const outcome = yield* runWorkUnits(context, {
        jobId: input.jobId,
        units: ranges.map((range) => ({
          unit: range.unit,
          kind: 'styleFrames',
          size: range.last - range.first + 1,
          payload: {
            model: prepared.model,
            container: prepared.workContainer,
            framesPrefix: workPrefixes(input.jobId).frames,
            outputPrefix: workPrefixes(input.jobId).styled,
            first: range.first,
            last: range.last,
            batchSize: Math.min(inferenceBatch, input.batchFrames),
          },
        })),
        dispatchActivity: activity.dispatch,
        maxInFlight: input.maxInFlight,
        timeoutSeconds: input.unitTimeoutSeconds,
        maxAttempts: input.maxAttempts,
        progress: (done, total) => status({ stage: 'styling', framesDone: done, framesTotal: total }),
      });
      if (outcome.failed) {
        reason = `Frames ${outcome.failed.unit.replace('frames-', '')} failed after ${outcome.failed.attempts} attempt(s): ${outcome.failed.error}`;
      } else {
        status({ stage: 'assembling', framesDone: prepared.frames, framesTotal: prepared.frames });
        const units: VideoUnitRun[] = outcome.runs.map((run) => {
          const range = ranges.find((r) => r.unit === run.unit)!;
          return { ...run, first: range.first, last: range.last };
        });
        assembled = (yield context.df.callActivityWithRetry(activity.assemble, retry, {
          input,
          prepared,
          units,
        })) as AssembledVideo;
        state = 'Succeeded';
      }
    }
  } catch (error) {
    reason = `The job stopped on an unexpected error: ${error instanceof Error ? error.message.split('\n')[0]?.trim() : String(error)}`;
  }
  yield context.df.callActivityWithRetry(activity.finish, retry, {
    jobId: input.jobId,
    state,
    reason,
    assembled,
  });
  return { state, reason, output: assembled?.output, manifest: assembled?.manifest };
}
