import { NotFoundError, ValidationError } from '../../errors';
import type { DataContainers } from '../../storage/DataContainers';
import { readBlob } from '../../storage/readBlob';
import type { StorageClients } from '../../storage/StorageClients';

/** One CSV blob of a folder source: `container/path` and its text. */
export interface TrainingFile {
  readonly name: string;
  readonly text: string;
}

interface Where {
  readonly storage: StorageClients;
  readonly containers: DataContainers;
}

/**
 * The CSV blobs under `container/folder/` (names ending in `.csv`, any case; empty blobs, such as folder
 * markers, left out), in name order. No CSV blob there is a NotFoundError.
 */
export async function listTrainingFiles(prefix: string, where: Where): Promise<TrainingFile[]> {
  const slash = prefix.indexOf('/');
  const container = where.containers.checkRead(prefix.slice(0, slash), 'retraining.source.blobPrefix');
  const client = where.storage.container(container);
  const names: string[] = [];
  try {
    for await (const blob of client.listBlobsFlat({ prefix: prefix.slice(slash + 1) })) {
      if (blob.name.toLowerCase().endsWith('.csv') && (blob.properties.contentLength ?? 0) > 0)
        names.push(blob.name);
    }
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  if (names.length === 0) throw new NotFoundError(`No CSV blob under the training prefix ${prefix}.`);
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const files: TrainingFile[] = [];
  for (const name of names) {
    const { bytes } = await readBlob(client.getBlobClient(name));
    files.push({ name: `${container}/${name}`, text: bytes.toString('utf8') });
  }
  return files;
}

/** A file's header line, its column names trimmed. */
export function headerOf(text: string): string[] {
  const end = text.indexOf('\n');
  return (end < 0 ? text : text.slice(0, end))
    .replace(/\r$/, '')
    .split(',')
    .map((name) => name.trim());
}

/**
 * The files as one CSV: the first file's header line, then every file's data lines in name order, each
 * file's last line ended with a line break. Every file must have the same header (a ValidationError
 * names the first that does not, and the file it was compared with).
 */
export function concatenateTrainingFiles(files: readonly TrainingFile[]): Buffer {
  const first = files[0];
  if (first === undefined) throw new ValidationError('A training prefix needs at least one CSV file.');
  const header = headerOf(first.text);
  const parts: string[] = [];
  for (const [index, file] of files.entries()) {
    const columns = headerOf(file.text);
    if (columns.join(',') !== header.join(','))
      throw new ValidationError(
        `${file.name} has the columns ${columns.join(', ')}, where ${first.name} has ${header.join(', ')}: the files under a training prefix must share one header.`,
        { file: file.name },
      );
    const lineBreak = file.text.indexOf('\n');
    const body = index === 0 ? file.text : lineBreak < 0 ? '' : file.text.slice(lineBreak + 1);
    if (body !== '') parts.push(body.endsWith('\n') ? body : `${body}\n`);
  }
  return Buffer.from(parts.join(''), 'utf8');
}

/** The training data of a `blobPrefix` source: its CSV blobs concatenated (see concatenateTrainingFiles). */
export async function readBlobPrefixSource(prefix: string, where: Where): Promise<Buffer> {
  return concatenateTrainingFiles(await listTrainingFiles(prefix, where));
}
