import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError, ValidationError } from '../errors';
import { parseModelCard, type ModelCard } from '../runtime/models/ModelCard';
import { formatModelRef, parseModelRef, type ModelRef } from '../runtime/models/ModelRef';

/** A model from the bundled `models/` folder: its card and the bytes of model.onnx. */
export interface BundledModel {
  readonly name: string;
  readonly version: number;
  readonly card: ModelCard;
  readonly onnx: Buffer;
  /** Hex SHA-256 of `onnx`: the key under which inference workers cache the session. */
  readonly sha256: string;
}

/**
 * Loads `<modelsDir>/<name>/model.onnx` and its `model.json` for `name`, `name@<version>` or
 * `name@<stage>`. A folder without model.json is version 1 with an empty card. Unknown model or
 * version → NotFoundError listing what is bundled; a card whose sha256 does not match → ValidationError.
 */
export async function loadBundledModel(modelsDir: string, ref: string | ModelRef): Promise<BundledModel> {
  const wanted = typeof ref === 'string' ? parseModelRef(ref) : ref;
  const folder = path.join(modelsDir, wanted.name);
  const onnx = await readFile(path.join(folder, 'model.onnx')).catch((error: unknown) => {
    if (!isMissing(error)) throw error;
    return undefined;
  });
  if (onnx === undefined) {
    const bundled = await listBundledModels(modelsDir);
    const known = bundled.length > 0 ? bundled.join(', ') : 'none';
    throw new NotFoundError(
      `Model "${formatModelRef(wanted)}" not found in ${modelsDir}; bundled models: ${known}`,
    );
  }
  const card = await readCard(folder, wanted.name);
  if (
    (wanted.version !== undefined && wanted.version !== card.version) ||
    (wanted.stage !== undefined && wanted.stage !== card.stage)
  ) {
    const stage = card.stage === undefined ? '' : ` (stage ${card.stage})`;
    throw new NotFoundError(
      `Model "${formatModelRef(wanted)}" not found in ${modelsDir}; the bundled ${card.name} is version ${card.version}${stage}`,
    );
  }
  const sha256 = createHash('sha256').update(onnx).digest('hex');
  if (card.sha256 !== undefined && card.sha256 !== sha256) {
    throw new ValidationError(
      `Model ${card.name}@${card.version}: model.onnx has SHA-256 ${sha256} but model.json says ${card.sha256}; ` +
        'the model file was changed without its card (retrain or update model.json)',
      { file: path.join(folder, 'model.onnx'), field: 'sha256' },
    );
  }
  return { name: card.name, version: card.version, card, onnx, sha256 };
}

/** Names of the folders under `modelsDir` that hold a model.onnx, sorted. */
export async function listBundledModels(modelsDir: string): Promise<string[]> {
  const entries = await readdir(modelsDir, { withFileTypes: true }).catch((error: unknown) => {
    if (isMissing(error)) return [];
    throw error;
  });
  const names: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const found = await stat(path.join(modelsDir, entry.name, 'model.onnx')).then(
      (s) => s.isFile(),
      () => false,
    );
    if (found) names.push(entry.name);
  }
  return names.sort();
}

async function readCard(folder: string, name: string): Promise<ModelCard> {
  const file = path.join(folder, 'model.json');
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    if (isMissing(error)) return undefined;
    throw error;
  });
  if (text === undefined) return parseModelCard({ name, version: 1 }, file);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`Model card ${file} is not JSON: ${(error as Error).message}`, { file });
  }
  const card = parseModelCard(json, file);
  if (card.name !== name) {
    throw new ValidationError(`Model card ${file}: name "${card.name}" does not match its folder "${name}"`, {
      file,
      field: 'name',
    });
  }
  return card;
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
