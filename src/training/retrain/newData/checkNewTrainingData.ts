import { createHash } from 'node:crypto';
import { NotFoundError, ValidationError } from '../../../errors';
import { checkTrainingData } from '../../checkTrainingData';
import { baselineOf, productionModel, targetOf } from '../activities/prepareRetrain';
import { parseTrainingCsv } from '../parseTrainingCsv';
import {
  concatenateTrainingFiles,
  headerOf,
  listTrainingFiles,
  type TrainingFile,
} from '../readBlobPrefixSource';
import { readTrainingSource } from '../readTrainingSource';
import { describeSource, retrainDeclarationOf, type TrainingSource } from '../RetrainDeclaration';
import type { RetrainServices } from '../RetrainServices';
import type { NewDataCheck, NewDataCheckReport } from './DataCheckStore';
import type { CheckNewDataInput, NewDataCheckResult } from './newDataContracts';

/**
 * The data check of a burst of new training data, a step of its own before any run: reads the model's
 * declared source as it is now (every CSV under a prefix), checks each file's header and rows (a
 * problem names the file, and the row or column), then the whole data set with the run's checks
 * (rows, schema, missing values, ranges, distribution against the production baseline). The report
 * goes to the data checks table and the runs container whatever the outcome.
 */
export async function checkNewTrainingData(
  input: CheckNewDataInput,
  services: RetrainServices,
): Promise<NewDataCheckResult> {
  const found: Pick<NewDataCheckReport, 'checks' | 'data'> = await inspect(input, services).catch(
    (error: unknown) => {
      if (!(error instanceof ValidationError || error instanceof NotFoundError)) throw error;
      return { checks: [failed('source', error.message, fileOf(error))] };
    },
  );
  const passed = found.checks.length > 0 && found.checks.every((check) => check.status !== 'failed');
  const problems = found.checks.filter((check) => check.status === 'failed').map((check) => check.message);
  const report: NewDataCheckReport = {
    checkId: input.checkId,
    model: input.model,
    status: passed ? 'Passed' : 'Failed',
    decision: passed
      ? `The new data passed its checks: retraining run ${input.checkId} starts.`
      : `The new data failed its checks, so no run was started: ${problems.join(' ')}`,
    checkedAt: input.startedAt,
    blobs: input.blobs,
    data: found.data,
    checks: found.checks,
    runId: passed ? input.checkId : undefined,
  };
  const record = await services.dataChecks.record(report);
  return { checkId: input.checkId, passed, decision: report.decision, report: record.reportBlob };
}

async function inspect(
  input: CheckNewDataInput,
  services: RetrainServices,
): Promise<Pick<NewDataCheckReport, 'checks' | 'data'>> {
  const production = await productionModel(input.model, services);
  const card = production?.card ?? (await services.registry.version(input.model)).card;
  const where = `${input.model}@${production?.version ?? card.version}`;
  const declaration = retrainDeclarationOf(card, where);
  const target = declaration?.target ?? targetOf(card);
  if (declaration === undefined || card.features === undefined || target === undefined)
    return { checks: [failed('source', `Model ${where} declares no training source, features and target.`)] };
  const task = card.task ?? 'regression';
  const files = await filesOf(declaration.source, input.model, services);
  const required = [...card.features, target];
  const checks = files.flatMap((file) => checkFile(file, required));
  if (checks.length > 0) return { checks };
  const bytes = concatenateTrainingFiles(files);
  const reference = describeSource(declaration.source, input.model);
  const table = parseTrainingCsv(bytes.toString('utf8'), reference);
  const report = checkTrainingData(
    table,
    {
      ...declaration.checks,
      features: card.features,
      target,
      targetKind: task === 'classification' ? 'categorical' : 'numeric',
    },
    baselineOf(production?.card, where),
  );
  return {
    checks: report.checks,
    data: {
      reference,
      files: files.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      rows: table.rows,
    },
  };
}

/** The source's files: each CSV under a prefix, or the one blob, file or feedback set. */
async function filesOf(
  source: TrainingSource,
  model: string,
  services: RetrainServices,
): Promise<TrainingFile[]> {
  const where = {
    storage: services.storage,
    containers: services.containers,
    filesDirectory: services.config.trainingFilesDirectory,
    feedback: { model, reader: services.feedback },
  };
  if ('blobPrefix' in source) return listTrainingFiles(source.blobPrefix, where);
  const bytes = await readTrainingSource(source, where);
  const name =
    'blob' in source ? source.blob : 'file' in source ? source.file : describeSource(source, model);
  return [{ name, text: bytes.toString('utf8') }];
}

/** One file's own problems: a column the model needs missing from its header, a row of the wrong shape. */
function checkFile(file: TrainingFile, required: readonly string[]): NewDataCheck[] {
  const header = headerOf(file.text);
  const missing = required.filter((column) => !header.includes(column));
  if (missing.length > 0)
    return missing.map((column) => ({
      ...failed(
        'schema',
        `${file.name} has no column "${column}" (its columns: ${header.join(', ')}).`,
        file.name,
      ),
      column,
    }));
  try {
    parseTrainingCsv(file.text, file.name, required);
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return [failed('schema', error.message, file.name)];
  }
}

function failed(check: NewDataCheck['check'], message: string, file?: string): NewDataCheck {
  return { check, status: 'failed', message, ...(file === undefined ? {} : { file }) };
}

function fileOf(error: ValidationError | NotFoundError): string | undefined {
  return error instanceof ValidationError ? error.details.file : undefined;
}
