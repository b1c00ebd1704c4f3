import { z } from 'zod';
import { ValidationError } from '../errors';
import { WorkCancelledError, type WorkHandler } from '../dispatch/workContracts';

const payloadSchema = z.object({
  container: z.string().min(1),
  /** The output blob, named by the unit (not the attempt). */
  blobName: z.string().min(1),
  steps: z.number().int().positive(),
  stepMs: z.number().int().nonnegative(),
  /** Tests only: `fail` makes the item fail. */
  outcome: z.enum(['succeed', 'fail']).default('succeed'),
});

/**
 * Tests only: stages one block per step, sleeping between steps and stopping when the job is cancelled,
 * then commits the blob. A worker killed mid-item leaves only uncommitted blocks, so the blob is either
 * absent or complete. It first records the process that took it in `{blobName}.runs/{pid}`.
 */
export const testSleepHandler: WorkHandler = async (input, context) => {
  const parsed = payloadSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(`test.sleep payload: ${parsed.error.issues[0]?.message}`);
  const payload = parsed.data;
  const container = await context.storage.ensureContainer(payload.container);
  await container.getBlockBlobClient(`${payload.blobName}.runs/${process.pid}`).upload('', 0);
  const blob = container.getBlockBlobClient(payload.blobName);
  const blockIds: string[] = [];
  for (let step = 0; step < payload.steps; step += 1) {
    if (await context.cancelled()) throw new WorkCancelledError(`cancelled at step ${step}`);
    await new Promise((resolve) => setTimeout(resolve, payload.stepMs));
    const blockId = Buffer.from(`step-${String(step).padStart(6, '0')}`).toString('base64');
    const text = `${payload.blobName} step ${step}\n`;
    await blob.stageBlock(blockId, text, Buffer.byteLength(text));
    blockIds.push(blockId);
  }
  if (payload.outcome === 'fail') throw new Error(`test.sleep ${payload.blobName}: failing as asked`);
  await blob.commitBlockList(blockIds);
  return { steps: payload.steps, executionProvider: context.executionProvider };
};
