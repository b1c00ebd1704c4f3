import { NotFoundError, ValidationError } from '../../errors';
import { tableFormatOf } from '../../runtime/formats/InputFormat';
import { evenPartitionBytes } from '../../runtime/formats/PartitionBuilder';
import type { ResolvedJobSpec } from '../resolveJobSpec';
import type { ScoringServices } from '../ScoringServices';
import type { JobInputLayout } from '../JobInputLayout';

/**
 * A file input: its version (checked against the one a blob drop fired for), its partitions by byte
 * range or row group, its header and which columns hold numbers. Problems a person must fix are
 * ValidationErrors or NotFoundErrors naming the file.
 */
export async function readTableInput(
  spec: ResolvedJobSpec,
  services: ScoringServices,
): Promise<JobInputLayout> {
  const { storage, formats } = services.runtime;
  const where = `${spec.input.container}/${spec.input.blob}`;
  const format = tableFormatOf(spec.input.format);
  const blob = storage.container(spec.input.container).getBlobClient(spec.input.blob);
  const properties = await blob.getProperties().catch((error: unknown) => {
    if ((error as { statusCode?: number }).statusCode === 404)
      throw new NotFoundError(`Input blob ${where} does not exist.`);
    throw error;
  });
  const etag = properties.etag ?? '';
  if (spec.input.etag && etag.replace(/"/g, '') !== spec.input.etag.replace(/"/g, '')) {
    throw new ValidationError(
      `Input blob ${where} changed after this job was queued; its new version gets its own job.`,
    );
  }
  const options = { delimiter: spec.input.delimiter, etag };
  const { reader } = formats[format];
  const bytes = properties.contentLength ?? 0;
  const target = evenPartitionBytes(bytes, spec.partitionBytes);
  const layout = await reader.layout(blob, bytes, options, target).catch((error: unknown) => {
    // The readers speak of "the file"; the job's reason names which one.
    if (error instanceof ValidationError)
      throw new ValidationError(`Input ${where}: ${error.message}`, error.details);
    throw error;
  });
  if (layout.totalRows === 0) {
    throw new ValidationError(
      `Input ${where} has no data rows${format === 'csv' ? ' (only a header line)' : ''}: there is nothing to score.`,
    );
  }
  const missing = spec.output.passThrough.filter((column) => !layout.header.includes(column));
  if (missing.length > 0) {
    throw new ValidationError(
      `output.passThrough names column(s) the input does not have: ${missing.join(', ')}.`,
      { field: 'output.passThrough' },
    );
  }
  const numericColumns = await reader.numericColumns(blob, layout, options);
  return { ...layout, etag, bytes, numericColumns };
}
