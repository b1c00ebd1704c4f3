/** Input and output formats of the batch scoring job: planning, parsing and writing partitions. */
export { byteRangeReaderOf, type ByteRangeReader } from './ByteRangeReader';
export type { CsvOptions } from './CsvOptions';
export { formatCsvOutput, type CsvOutputOptions, type OutputOptions } from './formatCsvOutput';
export { formatErrorsJsonl } from './formatErrorsJsonl';
export { formatJsonlOutput } from './formatJsonlOutput';
export { formatParquetOutput } from './formatParquetOutput';
export type { ParquetColumn } from './parquetColumns';
export { parseCsvPartition } from './parseCsvPartition';
export { parseJsonlPartition } from './parseJsonlPartition';
export { parseParquetPartition } from './parseParquetPartition';
export type { PartitionPlan } from './PartitionBuilder';
export { planCsvPartitions } from './planCsvPartitions';
export { planJsonlPartitions } from './planJsonlPartitions';
export { readCsvHeader } from './readCsvHeader';
export { readJsonlColumns } from './readJsonlColumns';
export { readParquetLayout, type ParquetLayout } from './readParquetLayout';
export { takeWholeCsvRecords, takeWholeJsonlRecords, type WholeRecords } from './takeWholeRecords';
