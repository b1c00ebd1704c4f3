import { NotFoundError } from '../../errors';
import type { ModelCard } from '../../runtime/models/ModelCard';
import type { RegistryBlobs } from './RegistryBlobs';
import type { ModelVersionInfo, VersionToLoad } from './registryRows';
import type { RegistryTable } from './RegistryTable';
import { parseStoredCard, verifyCard, verifyOnnx, type VerifiedModel } from './verifyVersionFiles';

/** Reads a version's files where they are kept (its version row, or blobs), checked against its SHA-256. */
export class VersionFilesReader {
  constructor(
    private readonly table: RegistryTable,
    private readonly blobs: RegistryBlobs,
  ) {}

  /**
   * The version's files, refused unless their SHA-256 is the one it was registered with: one point
   * read of the version row for files kept there, two blob reads otherwise.
   */
  async load(info: VersionToLoad): Promise<VerifiedModel> {
    if (info.files !== 'blobs') {
      const stored = await this.table.versionFiles(info.name, info.version);
      if (stored?.files === 'row') {
        const place = this.#place(info.name, info.version);
        verifyOnnx(info, stored.onnx, `${place} (model.onnx)`);
        const card = parseStoredCard(stored.card, `${place} (card)`);
        verifyCard(info, card, `${place} (card)`);
        return { onnx: stored.onnx, card };
      }
      if (stored === undefined && info.files === 'row')
        throw new NotFoundError(`Model ${info.name}@${info.version}: its version row is missing.`);
    }
    return this.blobs.load(info);
  }

  async card(info: ModelVersionInfo): Promise<ModelCard> {
    if (info.files === 'blobs') return this.blobs.card(info.name, info.version);
    const stored = await this.table.versionFiles(info.name, info.version);
    if (stored?.files !== 'row')
      throw new NotFoundError(`Model ${info.name}@${info.version}: its version row lacks its card.`);
    return parseStoredCard(stored.card, `${this.#place(info.name, info.version)} (card)`);
  }

  #place(name: string, version: number): string {
    return `table ${this.table.name}, version row ${name}@${version}`;
  }
}
