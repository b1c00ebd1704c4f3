import { ContainerScan, type ScannedBlob } from '../../src/host/triggers/blob/ContainerScan';
import { testStorage, uniqueName } from '../support/testStorage';

// Azurite (as the run starts it) cannot write these names into a listing's XML and answers HTTP 500.
const storage = testStorage();

async function containerWith(names: readonly string[]): Promise<string> {
  const name = uniqueName('scan');
  const container = storage.blobs.getContainerClient(name);
  await container.create();
  for (const blob of names) await container.getBlockBlobClient(blob).upload(blob, Buffer.byteLength(blob));
  return name;
}

async function scan(container: string | ContainerScan, prefix = ''): Promise<ScannedBlob[]> {
  const blobs: ScannedBlob[] = [];
  const scanner =
    typeof container === 'string'
      ? new ContainerScan({ container: storage.blobsWithoutRetries.getContainerClient(container), prefix })
      : container;
  for await (const blob of scanner.blobs()) blobs.push(blob);
  return blobs;
}

function names(blobs: readonly ScannedBlob[]): string[] {
  return blobs.map((blob) => blob.name);
}

describe('container scan', () => {
  it('lists past a blob whose name a listing cannot carry, and names it with the reason', async () => {
    const container = await containerWith(['a.csv', 'hostile/a\u0001b.csv', 'hostile/normal.csv', 'z.csv']);
    // The plain listing fails as a whole.
    const plain = storage.blobsWithoutRetries.getContainerClient(container).listBlobsFlat();
    await expect(plain.next()).rejects.toMatchObject({ statusCode: 500, message: '' });

    const blobs = await scan(container);
    expect(names(blobs)).toEqual(['a.csv', 'hostile/a\u0001b.csv', 'hostile/normal.csv', 'z.csv']);
    const unlistable = blobs.filter((blob) => blob.unlistable !== undefined);
    expect(unlistable).toHaveLength(1);
    expect(unlistable[0]?.etag).toMatch(/^"0x[0-9A-F]+"$/);
    expect(unlistable[0]?.unlistable).toMatch(
      /^its name has U\+0001 at index 9, which XML 1\.0 cannot carry, so every listing page that includes it fails \(RestError with no message \(HTTP 500, empty response body, request id \S+\)\); Azure Storage refuses such names$/,
    );
  });

  it('finds every listable blob between several unlistable ones, and each unlistable one', async () => {
    const all = [
      'good.csv',
      'hostile/a\u0001b.csv',
      'hostile/b\u0002.csv',
      'hostile/normal.csv',
      'hostile/normal2.csv',
      'hostile/z\u0007.csv',
      'hostile/zz.csv',
      'later/x.csv',
      'later/\ufffe.csv',
    ];
    const container = await containerWith(all);
    const blobs = await scan(container);
    expect(names(blobs)).toEqual(all);
    expect(blobs.filter((blob) => blob.unlistable).map((blob) => blob.name)).toEqual([
      'hostile/a\u0001b.csv',
      'hostile/b\u0002.csv',
      'hostile/z\u0007.csv',
      'later/\ufffe.csv',
    ]);
    expect(blobs.find((blob) => blob.name === 'later/\ufffe.csv')?.unlistable).toMatch(
      /U\+FFFE at index 6.*Azure Storage lists such names percent-encoded, the emulator cannot$/,
    );
  });

  it('lists within the trigger path prefix only', async () => {
    const container = await containerWith(['in/\u0003.csv', 'in/ok.csv', 'out/\u0003.csv', 'out/ok.csv']);
    expect(names(await scan(container, 'in/'))).toEqual(['in/\u0003.csv', 'in/ok.csv']);
  });

  it('gets past blobs that share a name up to their unlistable character, naming the last of them', async () => {
    // No listing page can tell these two apart: every page that reaches either fails.
    const container = await containerWith(['d/a\u0001b', 'd/a\u0001c', 'd/after.csv']);
    const blobs = await scan(container);
    expect(names(blobs)).toEqual(['d/a\u0001c', 'd/after.csv']);
  });

  it('finds, on a later scan, blobs added between a failing blob it found and the blob before it', async () => {
    const container = await containerWith(['d/a\u0002', 'd/z.csv']);
    const client = storage.blobsWithoutRetries.getContainerClient(container);
    // recheckMs 0: every scan checks a remembered blob in full (by default, every 10 s).
    const scanner = new ContainerScan({ container: client, prefix: '', recheckMs: 0 });
    expect(names(await scan(scanner))).toEqual(['d/a\u0002', 'd/z.csv']);
    for (const name of ['d/\u0001x', 'd/Z.csv']) {
      await storage.blobs.getContainerClient(container).getBlockBlobClient(name).upload('x', 1);
    }
    expect(names(await scan(scanner))).toEqual(['d/\u0001x', 'd/Z.csv', 'd/a\u0002', 'd/z.csv']);
  });

  it('reports what the service said when no page can be listed at all', async () => {
    const client = storage.blobsWithoutRetries.getContainerClient(uniqueName('missing'));
    await expect(scan(client.containerName)).rejects.toMatchObject({ code: 'ContainerNotFound' });
  });
});
