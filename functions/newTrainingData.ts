import { app, type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { blobTriggerSource, dataConnection, retrainServices } from '../src/appServices';
import { newTrainingData } from '../src/orchestrations/newTrainingData';
import { blobDropOf } from '../src/storage/blobDropOf';
import { acceptBlobReferences } from '../src/storage/blobReferences';
import { checkNewTrainingData } from '../src/training/retrain/newData/checkNewTrainingData';
import { getDataCheck, listDataChecks } from '../src/training/retrain/newData/dataChecksHttp';
import {
  checkNewTrainingDataActivity,
  newTrainingDataOrchestrator,
  trainingDataArrivalsEntity,
  type CheckNewDataInput,
} from '../src/training/retrain/newData/newDataContracts';
import { startForTrainingBlob } from '../src/training/retrain/newData/startForTrainingBlob';
import { trainingDataArrivals } from '../src/training/retrain/newData/trainingDataArrivals';

acceptBlobReferences();

df.app.orchestration(newTrainingDataOrchestrator, newTrainingData);
df.app.entity(trainingDataArrivalsEntity, trainingDataArrivals);
df.app.activity(checkNewTrainingDataActivity, {
  handler: (input: CheckNewDataInput) => checkNewTrainingData(input, retrainServices()),
});

/**
 * A blob landing in the training-data container (a reference, not the bytes) starts the new-data
 * orchestration of each model whose declared source it is part of: a burst becomes one check and one run.
 */
app.storageBlob('retrainOnNewData', {
  path: '%TRAINING_DATA_CONTAINER%/{name}',
  connection: dataConnection(),
  source: blobTriggerSource(),
  sdkBinding: true,
  extraInputs: [df.input.durableClient()],
  handler: async (_blob: unknown, context: InvocationContext) => {
    const drop = blobDropOf(context.triggerMetadata);
    context.log(await startForTrainingBlob(drop, df.getClient(context), retrainServices()));
  },
});

app.http('listDataChecks', {
  route: 'models/{name}/data-checks',
  methods: ['GET'],
  authLevel: 'function',
  handler: (request: HttpRequest) => listDataChecks(request.params.name ?? '', request, retrainServices()),
});

app.http('getDataCheck', {
  route: 'models/{name}/data-checks/{checkId}',
  methods: ['GET'],
  authLevel: 'function',
  handler: (request: HttpRequest) =>
    getDataCheck(request.params.name ?? '', request.params.checkId ?? '', retrainServices()),
});
