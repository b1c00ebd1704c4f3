import { app, type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { blobTriggerSource, dataConnection, videoJobServices } from '../src/appServices';
import { styleVideo } from '../src/orchestrations/styleVideo';
import { blobDropOf } from '../src/storage/blobDropOf';
import { acceptBlobReferences } from '../src/storage/blobReferences';
import { assembleStyledVideo } from '../src/video/job/activities/assembleStyledVideo';
import { dispatchVideoWork } from '../src/video/job/activities/dispatchVideoWork';
import { finishVideo } from '../src/video/job/activities/finishVideo';
import { prepareVideo } from '../src/video/job/activities/prepareVideo';
import { startVideoForDrop } from '../src/video/job/startVideoForDrop';
import {
  styleVideoOrchestrator,
  videoActivityNames as names,
  type AssembleVideoInput,
  type DispatchVideoWorkInput,
  type FinishVideoInput,
  type StyleVideoInput,
} from '../src/video/job/videoJobContracts';
import { cancelVideoJob, createVideoJob, getVideoJob, listVideoJobs } from '../src/video/job/videosHttp';

acceptBlobReferences();
const durableClient = df.input.durableClient();

df.app.orchestration(styleVideoOrchestrator, styleVideo);
df.app.activity(names.prepare, {
  handler: (input: StyleVideoInput) => prepareVideo(input, videoJobServices()),
});
df.app.activity(names.dispatch, {
  handler: (input: DispatchVideoWorkInput) => dispatchVideoWork(input, videoJobServices()),
});
df.app.activity(names.assemble, {
  handler: (input: AssembleVideoInput) => assembleStyledVideo(input, videoJobServices()),
});
df.app.activity(names.finish, {
  handler: (input: FinishVideoInput) => finishVideo(input, videoJobServices()),
});

app.http('createVideoJob', {
  route: 'videos',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: [durableClient],
  handler: (request: HttpRequest, context: InvocationContext) =>
    createVideoJob(request, df.getClient(context), videoJobServices()),
});

app.http('listVideoJobs', {
  route: 'videos',
  methods: ['GET'],
  authLevel: 'function',
  handler: (request: HttpRequest) => listVideoJobs(request, videoJobServices()),
});

app.http('getVideoJob', {
  route: 'videos/{id}',
  methods: ['GET'],
  authLevel: 'function',
  extraInputs: [durableClient],
  handler: (request: HttpRequest, context: InvocationContext) =>
    getVideoJob(request.params.id ?? '', df.getClient(context), videoJobServices()),
});

app.http('cancelVideoJob', {
  route: 'videos/{id}/cancel',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: [durableClient],
  handler: (request: HttpRequest, context: InvocationContext) =>
    cancelVideoJob(request.params.id ?? '', df.getClient(context), videoJobServices()),
});

/** A video dropped in the videos container starts one job per blob version (a reference, not the bytes). */
app.storageBlob('styleDroppedVideo', {
  path: '%VIDEO_INPUT_CONTAINER%/{name}',
  connection: dataConnection(),
  source: blobTriggerSource(),
  sdkBinding: true,
  extraInputs: [durableClient],
  handler: async (_blob: unknown, context: InvocationContext) => {
    const drop = blobDropOf(context.triggerMetadata);
    context.log(await startVideoForDrop(drop, df.getClient(context), videoJobServices()));
  },
});
