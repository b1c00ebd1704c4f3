import { app, type HttpRequest, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { manyModelsTrainingServices, trainManyDeclarations } from '../src/appServices';
import type { TrainManyDeclaration } from '../src/manyModels/training/TrainManyDeclaration';
import { startScheduledTrainMany } from '../src/manyModels/training/startScheduledTrainMany';
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

/** A declared data set's timer: one `trainMany` run per schedule occurrence, gated per key by its policy. */
function trainOnSchedule(declaration: TrainManyDeclaration) {
  return async (timer: Timer, context: InvocationContext): Promise<void> => {
    const run = await startScheduledTrainMany(
      df.getClient(context),
      declaration,
      manyModelsTrainingServices().containers,
      timer.scheduleStatus?.next,
      new Date(),
    );
    const at = run.occurrence.toISOString();
    if (run.outcome === 'started') context.log(`Many models for the ${at} occurrence: started ${run.runId}`);
    else if (run.outcome === 'existing') context.log(`Already started for ${at}: ${run.runId}`);
    else context.warn(`Not training ${declaration.request.model} for ${at}: ${run.reason}`);
  };
}

// One timer per declared data set (MANY_MODELS_DIRECTORY), registered when the app is loaded.
for (const declaration of trainManyDeclarations()) {
  app.timer(declaration.functionName, {
    schedule: declaration.schedule,
    extraInputs: [durableClient],
    handler: trainOnSchedule(declaration),
  });
}
