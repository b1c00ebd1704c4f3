import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { blobTriggerSource, dataConnection, scoringServices } from '../src/appServices';
import { startJobForDrop } from '../src/scoring/startJobForDrop';
import { blobDropOf } from '../src/storage/blobDropOf';
import { acceptBlobReferences } from '../src/storage/blobReferences';

acceptBlobReferences();

/**
 * A blob dropped in the input container starts one job per blob version. The trigger binds a reference
 * (`sdkBinding`), not the content: the job reads the blob in ranges, and the drop is never held in memory.
 * The input container is in the data account: DATA_STORAGE when set, else AzureWebJobsStorage. How the
 * host learns of drops (its own container scan, or Event Grid on Azure) is BLOB_TRIGGER_SOURCE.
 */
export async function scoreDroppedBlob(_blob: unknown, context: InvocationContext): Promise<void> {
  const drop = blobDropOf(context.triggerMetadata);
  context.log(await startJobForDrop(drop, df.getClient(context), scoringServices()));
}

app.storageBlob('scoreDroppedBlob', {
  path: '%SCORING_INPUT_CONTAINER%/{name}',
  connection: dataConnection(),
  source: blobTriggerSource(),
  sdkBinding: true,
  extraInputs: [df.input.durableClient()],
  handler: scoreDroppedBlob,
});
