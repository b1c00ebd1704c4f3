import type { ContainerClient } from '@azure/storage-blob';
import { NotFoundError } from '../../errors';
import type { StorageClients } from '../../storage/StorageClients';
import { formatModelCard } from '../../runtime/models/formatModelCard';
import type { ModelCard } from '../../runtime/models/ModelCard';
import type { ModelVersionInfo } from './registryRows';
import { readBlob } from '../../storage/readBlob';
import { sha256Of } from './sha256Of';
import { parseStoredCard, verifyCard, verifyOnnx, type VerifiedModel } from './verifyVersionFiles';

/**
 * The registry's blobs: `<container>/<name>/<version>/model.onnx` and `model.json`, written once, for
 * versions whose files do not fit in their version row.
 */
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

  /** Removes the files written for a version number that was not used (its row was never written). */
  async remove(name: string, version: number): Promise<void> {
    const container = this.storage.container(this.containerName);
    await Promise.all(
      ['model.onnx', 'model.json'].map((file) =>
        container.getBlobClient(`${name}/${version}/${file}`).deleteIfExists(),
      ),
    );
  }

  async card(name: string, version: number): Promise<ModelCard> {
    const container = this.storage.container(this.containerName);
    const bytes = await this.#download(container, name, version, 'model.json');
    return parseStoredCard(bytes.toString('utf8'), this.#place(name, version, 'model.json'));
  }

  /**
   * Reads model.onnx and model.json (at once) and refuses them unless both match the SHA-256 the
   * version was registered with.
   */
  async load(info: Pick<ModelVersionInfo, 'name' | 'version' | 'sha256'>): Promise<VerifiedModel> {
    const container = this.storage.container(this.containerName);
    const blob = container.getBlobClient(`${info.name}/${info.version}/model.onnx`);
    const onnxRead = readBlob(blob).catch((error: unknown) => {
      if ((error as { statusCode?: number }).statusCode === 404)
        throw missing(info.name, info.version, 'model.onnx');
      throw error;
    });
    const cardRead = this.card(info.name, info.version);
    // Both settle before either error is thrown: no read is left running unobserved.
    const [onnxResult, cardResult] = await Promise.allSettled([onnxRead, cardRead]);
    if (onnxResult.status === 'rejected') throw onnxResult.reason;
    const { bytes } = onnxResult.value;
    verifyOnnx(info, bytes, this.#place(info.name, info.version, 'model.onnx'));
    if (cardResult.status === 'rejected') throw cardResult.reason;
    verifyCard(info, cardResult.value, this.#place(info.name, info.version, 'model.json'));
    return { onnx: bytes, card: cardResult.value };
  }

  #place(name: string, version: number, file: string): string {
    return `${this.containerName}/${name}/${version}/${file}`;
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
