import { ValidationError } from '../../errors';
import type { ModelCard } from '../models/ModelCard';
import { checkCardFitsModel, fixedWidth, singleInput } from './checkCardFitsModel';
import { chooseOutputs } from './chooseOutputs';
import type { ModelSignature, ValueSignature } from './readModelSignature';

/** Element types the pool can feed from float32 columns. */
const feedableTypes = new Set(['float32', 'float64', 'int32', 'int64']);

/** How data columns fill one model input. */
export interface InputMapping {
  readonly name: string;
  /** Data columns, in the order they fill each row of the input. */
  readonly columns: readonly string[];
  /** Position of each of `columns` in FeatureMapping.featureColumns. */
  readonly featureIndexes: readonly number[];
  /** Dims after the batch dim; their product is `columns.length`. */
  readonly rowShape: readonly number[];
  readonly elementType: string;
  /** The model's fixed batch size (e.g. 1 for [1,F]); undefined when dynamic. */
  readonly batchSize?: number;
}

/** Which columns the model reads, how they fill its inputs, which outputs to fetch, and what was skipped. */
export interface FeatureMapping {
  /** Distinct data columns parsed per row (ScoringSchema.featureColumns), inputs' columns first to last. */
  readonly featureColumns: readonly string[];
  readonly inputs: readonly InputMapping[];
  readonly outputs: readonly { readonly name: string; readonly elementType: string }[];
  /** Things the caller should tell the user (skipped outputs, unused numeric columns). */
  readonly notes: readonly string[];
}

/**
 * Maps data columns to the model's inputs. One [N,F] input: the card's `features`, else the first F
 * numeric columns in data order. Several inputs: the card's `inputs`. Outputs: the card's `outputs`,
 * else every tensor output (non-tensor outputs such as ZipMap are skipped with a note).
 */
export function mapFeatures(
  signature: ModelSignature,
  card: ModelCard | undefined,
  columns: readonly string[],
  numericColumns: readonly string[],
): FeatureMapping {
  const notes: string[] = [];
  const columnsByInput = chooseColumns(signature, card, columns, numericColumns, notes);
  const featureColumns = [...new Set(columnsByInput.flatMap((c) => c.columns))];
  const inputs = columnsByInput.map(({ input, columns: used }) => ({
    ...inputShape(signature.model, input, used.length),
    name: input.name,
    columns: used,
    featureIndexes: used.map((column) => featureColumns.indexOf(column)),
    elementType: input.elementType ?? '',
  }));
  return { featureColumns, inputs, outputs: chooseOutputs(signature, card, notes), notes };
}

function chooseColumns(
  signature: ModelSignature,
  card: ModelCard | undefined,
  columns: readonly string[],
  numericColumns: readonly string[],
  notes: string[],
): { input: ValueSignature; columns: readonly string[] }[] {
  const model = signature.model;
  for (const input of signature.inputs) checkFeedable(model, input);
  if (card !== undefined) checkCardFitsModel(signature, card);
  if (card?.inputs !== undefined) {
    const cardInputs = card.inputs;
    return signature.inputs.map((input) => {
      const mapped = cardInputs.find((c) => c.name === input.name)?.columns ?? [];
      return { input, columns: checkColumns(model, input.name, mapped, columns, numericColumns, notes) };
    });
  }
  const input = singleInput(signature);
  if (card?.features !== undefined) {
    return [
      { input, columns: checkColumns(model, input.name, card.features, columns, numericColumns, notes) },
    ];
  }
  return [
    { input, columns: firstNumericColumns(model, input.name, fixedWidth(input), numericColumns, notes) },
  ];
}

/**
 * The card's columns, all present in the data, else a ValidationError naming them. The card says they
 * are the features, so a column whose first values are not numbers is still fed: each row with a value
 * that is not a number becomes an error row naming it (within the job's error threshold), rather than
 * the whole job failing on a sample.
 */
function checkColumns(
  model: string,
  input: string,
  wanted: readonly string[],
  columns: readonly string[],
  numericColumns: readonly string[],
  notes: string[],
): readonly string[] {
  const missing = wanted.filter((column) => !columns.includes(column));
  if (missing.length > 0) {
    throw new ValidationError(
      `Model "${model}" input "${input}" needs column(s) missing from the data: ${missing.join(', ')} (the data has ${columns.length} column${columns.length === 1 ? '' : 's'})`,
      { field: missing[0] },
    );
  }
  const textual = wanted.filter((column) => !numericColumns.includes(column));
  if (textual.length > 0)
    notes.push(
      `Model "${model}" input "${input}": column(s) ${textual.join(', ')} held mostly values that are not numbers in the first rows; rows whose value is not a number are reported in _errors.jsonl`,
    );
  return wanted;
}

function firstNumericColumns(
  model: string,
  input: string,
  width: number | undefined,
  numericColumns: readonly string[],
  notes: string[],
): readonly string[] {
  const count = width ?? numericColumns.length;
  if (numericColumns.length < count || count === 0) {
    throw new ValidationError(
      `Model "${model}" input "${input}" takes ${count} features but the data has ${numericColumns.length} numeric column(s); list the features in the model card`,
      { field: 'features' },
    );
  }
  const unused = numericColumns.slice(count);
  if (unused.length > 0) notes.push(`Numeric column(s) not fed to model "${model}": ${unused.join(', ')}`);
  return numericColumns.slice(0, count);
}

function checkFeedable(model: string, input: ValueSignature): void {
  if (!input.isTensor || !feedableTypes.has(input.elementType ?? '')) {
    const type = input.isTensor ? `a ${input.elementType} tensor` : 'not a tensor';
    throw new ValidationError(
      `Model "${model}" input "${input.name}" is ${type}; batch scoring feeds float, double, int32 or int64 tensors`,
      { field: 'model' },
    );
  }
}

function inputShape(
  model: string,
  input: ValueSignature,
  width: number,
): Pick<InputMapping, 'rowShape' | 'batchSize'> {
  const [batch, ...rest] = input.shape;
  const batchSize = typeof batch === 'number' && input.shape.length > 1 ? batch : undefined;
  if (input.shape.length <= 1) return { rowShape: input.shape.length === 0 ? [width] : [], batchSize };
  if (rest.length > 1 && rest.some((dim) => typeof dim !== 'number')) {
    throw new ValidationError(
      `Model "${model}" input "${input.name}" has shape [${input.shape.join(', ')}]: only the batch dimension may be dynamic`,
      { field: 'model' },
    );
  }
  return { rowShape: rest.length === 1 ? [width] : (rest as number[]), batchSize };
}
