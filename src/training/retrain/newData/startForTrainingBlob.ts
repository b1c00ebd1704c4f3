import { createHash } from 'node:crypto';
import type { DurableClient } from 'durable-functions';
import type { BlobDrop } from '../../../storage/blobDropOf';
import { cardsDeclaringRetraining } from '../modelsToRetrain';
import { retrainDeclarationOf, type TrainingSource } from '../RetrainDeclaration';
import type { RetrainServices } from '../RetrainServices';
import { newTrainingDataOrchestrator, type NewTrainingDataInput } from './newDataContracts';

/** Whether a blob (`container/path`) is part of a declared source: that blob, or a CSV under that prefix. */
export function isPartOfSource(source: TrainingSource, blob: string): boolean {
  if ('blob' in source) return source.blob === blob;
  if ('blobPrefix' in source)
    return blob.startsWith(source.blobPrefix) && blob.toLowerCase().endsWith('.csv');
  return false;
}

/** One orchestration per model and blob version: a trigger fired again for the same version finds it. */
export function newDataInstanceId(model: string, blob: string, etag: string): string {
  const version = createHash('sha256').update(`${blob}\n${etag}`).digest('hex').slice(0, 16);
  return `newdata-${model}-${version}`;
}

/**
 * A blob landed in the training-data container: starts `newTrainingData` for each model whose card
 * (production's, else the latest, else the bundled one) declares a source the blob is part of. The
 * orchestrations debounce a burst into one check and one run. Returns what to log.
 */
export async function startForTrainingBlob(
  drop: BlobDrop,
  client: DurableClient,
  services: RetrainServices,
): Promise<string> {
  const blob = `${services.config.trainingDataContainer}/${drop.name}`;
  const { cards, skipped } = await cardsDeclaringRetraining(
    services.registry,
    services.config.modelsDirectory,
  );
  const models = cards.flatMap(({ name, card }) => {
    try {
      const declaration = retrainDeclarationOf(card, name);
      return declaration !== undefined && isPartOfSource(declaration.source, blob) ? [name] : [];
    } catch (error) {
      skipped.push({ name, reason: error instanceof Error ? error.message : String(error) });
      return [];
    }
  });
  const lines: string[] = [];
  for (const model of models) {
    const instanceId = newDataInstanceId(model, blob, drop.etag);
    const status = await client.getStatus(instanceId).catch(() => undefined);
    if (status?.runtimeStatus) {
      lines.push(`New training data ${blob} for ${model}: seen already (${instanceId}).`);
      continue;
    }
    const input: NewTrainingDataInput = {
      model,
      blob,
      etag: drop.etag,
      quietSeconds: services.config.trainingDataQuietSeconds,
    };
    await client.startNew(newTrainingDataOrchestrator, { instanceId, input });
    lines.push(`New training data ${blob} for ${model}: ${instanceId}.`);
  }
  if (models.length === 0) lines.push(`No model declares a training source that ${blob} is part of.`);
  for (const { name, reason } of skipped) lines.push(`Not checked against ${name}: ${reason}`);
  return lines.join('\n');
}
