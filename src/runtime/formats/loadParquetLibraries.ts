import type * as Hyparquet from 'hyparquet' with { 'resolution-mode': 'import' };
import type * as HyparquetWriter from 'hyparquet-writer' with { 'resolution-mode': 'import' };

export type HyparquetModule = typeof Hyparquet;
export type HyparquetWriterModule = typeof HyparquetWriter;

let reader: Promise<HyparquetModule> | undefined;
let writer: Promise<HyparquetWriterModule> | undefined;

/** hyparquet, loaded once on first use. */
export function loadHyparquet(): Promise<HyparquetModule> {
  reader ??= loadEsm<HyparquetModule>('hyparquet');
  return reader;
}

/** hyparquet-writer, loaded once on first use. */
export function loadHyparquetWriter(): Promise<HyparquetWriterModule> {
  writer ??= loadEsm<HyparquetWriterModule>('hyparquet-writer');
  return writer;
}

/**
 * Both libraries ship as ES modules only and this app is CommonJS. Node loads them with import().
 * Inside a VM without a dynamic-import hook (Jest without --experimental-vm-modules) import() throws;
 * Node's own require() can then load them (require of ES modules: Node >= 20.19).
 */
async function loadEsm<T>(name: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    const nodeModule = process.getBuiltinModule?.('node:module');
    if (!nodeModule) throw error;
    return nodeModule.createRequire(__filename)(name) as T;
  }
}
