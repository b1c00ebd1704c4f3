/** A data row that cannot be scored: its 1-based data row number (header not counted), field and reason. */
export interface RowError {
  readonly row: number;
  /** The file the row came from, when it is not the job's input itself (an image of a folder). */
  readonly file?: string;
  readonly field?: string;
  readonly reason: string;
}

/** Which input columns feed the model (in the model's feature order) and which are copied to the output. */
export interface ScoringSchema {
  readonly featureColumns: readonly string[];
  readonly passThroughColumns: readonly string[];
}

/** The rows of one partition, parsed and validated, ready for inference. */
export interface ScoringBatch {
  /** Rows seen in the partition, good and bad. */
  readonly totalRows: number;
  /** Good rows, in input order. */
  readonly rowCount: number;
  /** Data row numbers (1-based) of the good rows. */
  readonly rowNumbers: Uint32Array;
  /** rowCount × featureColumns.length values, row-major. */
  readonly features: Float32Array;
  /** One array per pass-through column, with the good rows' values as text. */
  readonly passThrough: readonly string[][];
  readonly errors: readonly RowError[];
}

/** A byte range of the input (CSV, JSON Lines) or a Parquet row group, with the row numbers it holds. */
export interface Partition {
  readonly index: number;
  /** Byte range [start, end) for text formats; for Parquet, the row group's byte range. */
  readonly start: number;
  readonly end: number;
  /** Data row number (1-based) of the partition's first row. */
  readonly firstRow: number;
  readonly rows: number;
  /** Parquet only: the row group index. */
  readonly rowGroup?: number;
  /** Image inputs only: the shard's images (one row each) and the versions the job pinned. */
  readonly blobs?: readonly { readonly name: string; readonly etag: string }[];
}

/** One model output for the good rows of a batch: `width` values per row (e.g. 3 class probabilities). */
export interface PredictionColumn {
  readonly name: string;
  readonly width: number;
  readonly values: Float32Array | Float64Array | Int32Array | BigInt64Array;
}

/** A partition scored and formatted: its output bytes (empty for summary-only jobs) and its accounting. */
export interface ScoredPartition {
  readonly output: Buffer;
  /** Rows seen, good and bad. */
  readonly totalRows: number;
  /** Rows scored. */
  readonly rowCount: number;
  readonly errors: readonly RowError[];
  /** Per-feature counts of the scored rows in the baseline's bins, when the job asked for drift. */
  readonly binCounts?: number[][];
  /** Per-output counts of the predictions in the prediction baseline's bins, when the job asked. */
  readonly predictionBinCounts?: number[][];
}
