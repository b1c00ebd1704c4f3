import { createHash } from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import { NotFoundError, ValidationError } from '../../errors';
import type { StorageClients } from '../../storage/StorageClients';
import { formatModelCard } from '../formatModelCard';
import { parseModelCard, type ModelCard } from '../ModelCard';
import type { ModelVersionInfo } from './registryRows';
import { readBlob } from '../../storage/readBlob';

/** A version's bytes as read from the registry, checked against the SHA-256 it was registered with. */
export interface VerifiedModel {
  readonly onnx: Buffer;
  readonly card: ModelCard;
  /** ETag of the model.onnx blob these bytes were read from. */
  readonly etag: string;
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The registry's blobs: `<container>/<name>/<version>/model.onnx` and `model.json`, written once. */
export class RegistryBlobs {
  constructor(
    private readonly storage: StorageClients,
    private readonly containerName: string,
  ) {}

  /**
   * Writes a version's files unless they exist. If they do (a second seeding of the same model), the
   * stored card is returned instead, after checking the stored model.onnx has the same SHA-256: a
   * version's files never change once written.
   */
  async writeOnce(name: string, version: number, onnx: Buffer, card: ModelCard): Promise<ModelCard> {
    const container = await this.storage.ensureContainer(this.containerName);
    const written = await uploadIfAbsent(container, `${name}/${version}/model.onnx`, onnx);
    if (!written) {
      const stored = await this.#download(container, name, version, 'model.onnx');
      if (sha256Of(stored) !== card.sha256)
        throw new Error(`${name}@${version}: model.onnx exists with other bytes; versions are immutable.`);
    }
    const cardBytes = Buffer.from(formatModelCard(card));
    if (await uploadIfAbsent(container, `${name}/${version}/model.json`, cardBytes)) return card;
    return this.card(name, version);
  }

  async card(name: string, version: number): Promise<ModelCard> {
    const container = this.storage.container(this.containerName);
    const bytes = await this.#download(container, name, version, 'model.json');
    return parseModelCard(
      JSON.parse(bytes.toString('utf8')),
      `${this.containerName}/${name}/${version}/model.json`,
    );
  }

  /** ETag of model.onnx: tells a cached copy whether the blob is still the one that was verified. */
  async onnxEtag(info: ModelVersionInfo): Promise<string> {
    const blob = this.storage
      .container(this.containerName)
      .getBlobClient(`${info.name}/${info.version}/model.onnx`);
    try {
      return (await blob.getProperties()).etag ?? '';
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404)
        throw missing(info.name, info.version, 'model.onnx');
      throw error;
    }
  }

  /**
   * Reads model.onnx and model.json (at once) and refuses them unless both match the SHA-256 the
   * version was registered with.
   */
  async load(info: Pick<ModelVersionInfo, 'name' | 'version' | 'sha256'>): Promise<VerifiedModel> {
    const container = this.storage.container(this.containerName);
    const blob = container.getBlobClient(`${info.name}/${info.version}/model.onnx`);
    const onnxRead = readBlob(blob)
      .then(({ bytes, etag }) => ({ onnx: bytes, etag }))
      .catch((error: unknown) => {
        if ((error as { statusCode?: number }).statusCode === 404)
          throw missing(info.name, info.version, 'model.onnx');
        throw error;
      });
    const cardRead = this.card(info.name, info.version);
    // Both settle before either error is thrown: no read is left running unobserved.
    const [onnxResult, cardResult] = await Promise.allSettled([onnxRead, cardRead]);
    if (onnxResult.status === 'rejected') throw onnxResult.reason;
    const { onnx, etag } = onnxResult.value;
    const actual = sha256Of(onnx);
    const where = `${this.containerName}/${info.name}/${info.version}/model.onnx`;
    if (actual !== info.sha256) {
      throw new ValidationError(
        `Model ${info.name}@${info.version} refused: ${where} has SHA-256 ${actual} but the version was ` +
          `registered with ${info.sha256}; the file was changed after registration (register a new version instead).`,
        { field: 'sha256', file: where },
      );
    }
    if (cardResult.status === 'rejected') throw cardResult.reason;
    const card = cardResult.value;
    if (card.sha256 !== info.sha256) {
      throw new ValidationError(
        `Model ${info.name}@${info.version} refused: its model.json says SHA-256 ${card.sha256 ?? '(none)'} ` +
          `but the version was registered with ${info.sha256}.`,
        { field: 'sha256', file: where.replace(/model\.onnx$/, 'model.json') },
      );
    }
    return { onnx, card, etag: etag ?? '' };
  }

  async #download(container: ContainerClient, name: string, version: number, file: string): Promise<Buffer> {
    try {
      return (await readBlob(container.getBlobClient(`${name}/${version}/${file}`))).bytes;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) throw missing(name, version, file);
      throw error;
    }
  }
}

async function uploadIfAbsent(container: ContainerClient, path: string, bytes: Buffer): Promise<boolean> {
  try {
    await container.getBlockBlobClient(path).uploadData(bytes, { conditions: { ifNoneMatch: '*' } });
    return true;
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 409 || status === 412) return false;
    throw error;
  }
}

function missing(name: string, version: number, file: string): NotFoundError {
  return new NotFoundError(`Model ${name}@${version}: its ${file} is missing from the registry's blobs.`);
}
