import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { scoringServices } from '../src/appServices';
import { jobIdForBlob } from '../src/jobs/jobIds';
import { modelLabelOf } from '../src/jobs/JobSpec';
import { skipsAutoScore, specForBlob, startScoreJob } from '../src/jobs/startScoreJob';
import { acceptBlobReferences } from '../src/storage/blobReferences';

acceptBlobReferences();

/**
 * A blob dropped in the input container starts one job per blob version. The trigger binds a reference
 * (`sdkBinding`), not the content: the job reads the blob in ranges, and the drop is never held in memory.
 */
export async function scoreDroppedBlob(_blob: unknown, context: InvocationContext): Promise<void> {
  const services = scoringServices();
  const name = typeof context.triggerMetadata?.name === 'string' ? context.triggerMetadata.name : '';
  const properties = context.triggerMetadata?.properties as { eTag?: string; etag?: string } | undefined;
  const etag = properties?.eTag ?? properties?.etag ?? '';
  const container = services.config.inputContainer;
  const metadata = context.triggerMetadata?.metadata as Record<string, string> | undefined;
  if (skipsAutoScore(metadata)) {
    context.log(
      `Not scoring ${container}/${name}: its metadata says autoscore=false (scored by an API job).`,
    );
    return;
  }
  const folder = name.includes('/') ? name.split('/')[0] : undefined;
  const folderIsModel = folder !== undefined && !metadata?.model && (await services.models.has(folder));
  const spec = specForBlob(
    container,
    name,
    metadata,
    (model) => folderIsModel && model === folder,
    services.config.defaultModel,
  );
  const jobId = jobIdForBlob(container, name, etag);
  const { created } = await startScoreJob(
    df.getClient(context),
    services.jobs,
    { jobId, spec, source: 'blob', inputEtag: etag },
    `${container}/${name}`,
  );
  context.log(
    created
      ? `Started job ${jobId} for ${container}/${name} with model ${modelLabelOf(spec)}`
      : `Job ${jobId} for this version of ${container}/${name} exists already`,
  );
}

app.storageBlob('scoreDroppedBlob', {
  path: '%SCORING_INPUT_CONTAINER%/{name}',
  connection: 'AzureWebJobsStorage',
  sdkBinding: true,
  extraInputs: [df.input.durableClient()],
  handler: scoreDroppedBlob,
});
