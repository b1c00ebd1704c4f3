import { app, type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { manyModelsTrainingServices } from '../src/appServices';
import { promoteTrainedKeys } from '../src/manyModels/training/activities/promoteTrainedKeys';
import {
  listTrainingPartitions,
  type ListPartitionsInput,
} from '../src/manyModels/training/activities/listTrainingPartitions';
import { finishTrainMany } from '../src/manyModels/training/activities/finishTrainMany';
import { trainPartitions } from '../src/manyModels/training/activities/trainPartitions';
import {
  trainManyActivityNames as names,
  trainManyChunkOrchestrator,
  trainManyOrchestrator,
  type FinishTrainManyInput,
  type PromoteKeysInput,
  type TrainPartitionsInput,
} from '../src/manyModels/training/trainManyContracts';
import { getTrainMany, requestTrainMany } from '../src/manyModels/training/trainManyHttp';
import { trainMany, trainManyChunk } from '../src/orchestrations/trainMany';

const durableClient = df.input.durableClient();

df.app.orchestration(trainManyOrchestrator, trainMany);
df.app.orchestration(trainManyChunkOrchestrator, trainManyChunk);

df.app.activity(names.list, {
  handler: (input: ListPartitionsInput) => listTrainingPartitions(input, manyModelsTrainingServices()),
});
df.app.activity(names.train, {
  handler: (input: TrainPartitionsInput) => trainPartitions(input, manyModelsTrainingServices()),
});
df.app.activity(names.promote, {
  handler: (input: PromoteKeysInput) => promoteTrainedKeys(input, manyModelsTrainingServices()),
});
df.app.activity(names.finish, {
  handler: (input: FinishTrainManyInput) => finishTrainMany(input, manyModelsTrainingServices()),
});

app.http('requestTrainMany', {
  route: 'many-models/train',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: [durableClient],
  handler: (request: HttpRequest, context: InvocationContext) =>
    requestTrainMany(request, df.getClient(context), manyModelsTrainingServices().containers),
});

app.http('getTrainMany', {
  route: 'many-models/train/{runId}',
  methods: ['GET'],
  authLevel: 'function',
  extraInputs: [durableClient],
  handler: (request: HttpRequest, context: InvocationContext) =>
    getTrainMany(request.params.runId ?? '', df.getClient(context)),
});

