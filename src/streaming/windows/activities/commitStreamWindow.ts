import type { ContainerClient } from '@azure/storage-blob';
import type { DurableClient } from 'durable-functions';
import type { DriftBreachHandler } from '../../../runtime/drift/DriftBreachHandler';
import { labelOf } from '../../../runtime/models/LoadedModel';
import type { StreamDefinition } from '../../StreamDefinition';
import { streamContainer } from '../../streamContainer';
import type { StreamingServices } from '../../StreamingServices';
import type { WindowBounds } from '../assignWindows';
import { keepLateEvents } from '../keepLateEvents';
import { measureWindowDrift } from '../measureWindowDrift';
import { reopenWindow } from '../reopenWindow';
import { streamOf } from '../streamOf';
import { listLandings, readLanding, writeJson, type WindowManifest } from '../windowBlobs';
import type { CommitWindowInput, LandingRef, WindowOutcome } from '../windowContracts';
import { windowBlobNames } from '../windowNames';
import { windowBlockId } from './scoreStreamWindowShard';

/**
 * Fan-in: commits the shards' blocks as the window's output and alerts blobs (committing the same
 * list again is harmless), writes the manifest (what the window included), then ends the row
 * Committed or Failed with the reason. Landings written after the close are late: found here, after
 * the row is done, or by the trigger that wrote them, whichever comes first, and kept apart or (late:
 * "reopen") committed by the window's next version. A committed window's drift goes into the manifest,
 * the row's `driftStatus` and the `drift` table; a breach may start a retrain (`onBreach`).
 */
export async function commitStreamWindow(
  input: CommitWindowInput,
  services: StreamingServices,
  client: DurableClient,
  onBreach?: DriftBreachHandler,
): Promise<WindowOutcome> {
  const stream = streamOf(input.stream, services);
  const window = { start: input.windowStart, end: input.windowEnd };
  const container = await streamContainer(stream, services);
  const names = windowBlobNames(stream, window.start, input.version);
  const outcome = await commitBlocks(input, container, names, stream.window?.late === 'reopen');
  const pinned = input.close.model;
  // A window that scored no row has nothing to measure.
  const drift =
    outcome.state === 'Committed' && pinned && outcome.scoredRows > 0
      ? await measureWindowDrift(
          stream,
          { start: window.start, committedAt: outcome.committedAt },
          pinned,
          input.shards,
          services,
          onBreach,
        )
      : undefined;
  const manifest: WindowManifest = {
    stream: stream.name,
    windowStart: new Date(window.start).toISOString(),
    windowEnd: new Date(window.end).toISOString(),
    ...outcome,
    landings: input.close.landings,
    ...(drift ? { drift: drift.report } : {}),
  };
  await writeJson(container, names.manifest, manifest);
  await services.windows.finish(stream.name, window, {
    ...outcome,
    ...(drift ? { driftStatus: drift.status } : {}),
  });
  const after = await landingsAfterClose(stream, window, input.close.landings, container);
  let late: number | undefined;
  if (after.length > 0 && stream.window?.late === 'reopen')
    await reopenWindow(stream, window, after, services, client);
  else if (after.length > 0) late = await keepLateEvents(stream, window, after, services);
  await deleteWorkFiles(container, names.featureShard(0).replace(/[^/]+$/, ''));
  const { model } = input.close;
  return {
    stream: stream.name,
    windowStart: manifest.windowStart,
    state: outcome.state,
    version: outcome.version,
    scoredRows: outcome.scoredRows,
    lateEvents: late ?? (await services.windows.get(stream.name, window.start))?.lateEvents ?? 0,
    ...(model ? { model: labelOf(model) } : {}),
    ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
    ...(outcome.output === undefined ? {} : { output: outcome.output }),
  };
}

/**
 * Decides the window's state (Failed on the first reason: an unexpected failure, no model, a shard the
 * model could not score) and, when Committed, commits the shards' blocks in shard order.
 */
async function commitBlocks(
  input: CommitWindowInput,
  container: ContainerClient,
  names: ReturnType<typeof windowBlobNames>,
  reopen: boolean,
) {
  const shards = [...input.shards].sort((a, b) => a.shard - b.shard);
  const reason = input.failure ?? input.close.modelError ?? shards.find((shard) => shard.error)?.error;
  const state = reason === undefined ? 'Committed' : 'Failed';
  const scored = state === 'Committed' ? shards.filter((shard) => shard.rows > 0) : [];
  const alerted = state === 'Committed' ? shards.filter((shard) => shard.alerts > 0) : [];
  if (scored.length > 0)
    await container
      .getBlockBlobClient(names.output)
      .commitBlockList(scored.map((s) => windowBlockId(s.shard)));
  if (alerted.length > 0)
    await container
      .getBlockBlobClient(names.alerts)
      .commitBlockList(alerted.map((s) => windowBlockId(s.shard)));
  const committedAt = new Date().toISOString();
  const { model, closedAt, previous } = input.close;
  const eventsIn = input.aggregate?.eventsIn ?? 0;
  return {
    state,
    version: input.version ?? 1,
    // Re-opening: the events a version includes that earlier versions did not are late ones. (Kept
    // apart instead, they are counted from their blobs.)
    ...(reopen
      ? { lateEvents: previous ? previous.lateEvents + Math.max(0, eventsIn - previous.eventsIn) : 0 }
      : {}),
    reason,
    closedAt,
    committedAt,
    closeToCommitMs: Date.parse(committedAt) - Date.parse(closedAt),
    eventsIn,
    duplicatesDropped: input.aggregate?.duplicates ?? 0,
    keys: input.aggregate?.keys ?? 0,
    scoredRows: scored.reduce((sum, shard) => sum + shard.rows, 0),
    alertRows: alerted.reduce((sum, shard) => sum + shard.alerts, 0),
    landings: input.close.landings.length,
    ...(model ? { model: model.name, modelVersion: model.version, modelSha256: model.sha256 } : {}),
    ...(scored.length > 0 ? { output: `${container.containerName}/${names.output}` } : {}),
    manifest: `${container.containerName}/${names.manifest}`,
  } as const;
}

/** Landings the close did not list, or listed shorter than they are now: their new events are late. */
async function landingsAfterClose(
  stream: StreamDefinition,
  window: WindowBounds,
  included: readonly LandingRef[],
  container: ContainerClient,
) {
  const now = await listLandings(container, windowBlobNames(stream, window.start).landings);
  const after = now.filter(
    (landing) =>
      !included.some((old) => old.name === landing.name && old.lastSequence >= landing.lastSequence),
  );
  return Promise.all(
    after.map(async (landing) => ({
      name: landing.name,
      events: await readLanding(container, landing.name),
    })),
  );
}

async function deleteWorkFiles(container: ContainerClient, prefix: string): Promise<void> {
  for await (const blob of container.listBlobsFlat({ prefix }))
    await container.deleteBlob(blob.name, { deleteSnapshots: 'include' }).catch(() => undefined);
}
