import { ConflictError, NotFoundError } from '../../errors';
import { listBundledModels, loadBundledModel } from '../../models';
import type { ModelCard } from '../../runtime/models/ModelCard';
import type { ModelRegistry } from '../../models';

/**
 * Names of the models whose card declares a training source (`retraining`): the production version's
 * card, else the latest version's, else the bundled card for a model not registered yet. A card that
 * cannot be read is reported in `skipped`, so one broken model does not stop the others' runs.
 */
export async function modelsToRetrain(
  registry: ModelRegistry,
  bundledDirectory: string,
): Promise<{ names: string[]; skipped: { name: string; reason: string }[] }> {
  const { cards, skipped } = await cardsDeclaringRetraining(registry, bundledDirectory);
  return { names: cards.map((entry) => entry.name), skipped };
}

/** The cards behind modelsToRetrain (which card of a model counts: see there), by model name. */
export async function cardsDeclaringRetraining(
  registry: ModelRegistry,
  bundledDirectory: string,
): Promise<{ cards: { name: string; card: ModelCard }[]; skipped: { name: string; reason: string }[] }> {
  const registered = (await registry.list()).map((model) => model.name);
  const all = [...new Set([...registered, ...(await listBundledModels(bundledDirectory))])].sort();
  const cards: { name: string; card: ModelCard }[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const name of all) {
    try {
      const card = registered.includes(name)
        ? await registeredCard(registry, name)
        : (await loadBundledModel(bundledDirectory, name)).card;
      if (card.retraining !== undefined) cards.push({ name, card });
    } catch (error) {
      skipped.push({ name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { cards, skipped };
}

async function registeredCard(registry: ModelRegistry, name: string): Promise<ModelCard> {
  try {
    return (await registry.version({ name, stage: 'Production' })).card;
  } catch (error) {
    // No production version, or one per key (a many-models model): the latest version's card says.
    if (!(error instanceof NotFoundError || error instanceof ConflictError)) throw error;
    return (await registry.version(name)).card;
  }
}
