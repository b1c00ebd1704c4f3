import { app, type HttpRequest, type InvocationContext } from '@azure/functions';
import { blobTriggerSource, dataConnection, feedbackServices } from '../src/appServices';
import { getLiveMetrics, listFeedback, postFeedback, processDroppedFeedback } from '../src/feedback';
import { blobDropOf } from '../src/storage/blobDropOf';
import { acceptBlobReferences } from '../src/storage/blobReferences';

acceptBlobReferences();

/** A feedback file (`<model>/<anything>.csv`, header `id,label`) dropped in FEEDBACK_CONTAINER. */
export async function joinDroppedFeedback(_blob: unknown, context: InvocationContext): Promise<void> {
  context.log(await processDroppedFeedback(blobDropOf(context.triggerMetadata), feedbackServices()));
}

app.storageBlob('joinDroppedFeedback', {
  path: '%FEEDBACK_CONTAINER%/{name}',
  connection: dataConnection(),
  source: blobTriggerSource(),
  sdkBinding: true,
  handler: joinDroppedFeedback,
});

app.http('postFeedback', {
  route: 'models/{name}/feedback',
  methods: ['POST'],
  authLevel: 'function',
  handler: (request: HttpRequest) => postFeedback(request.params.name ?? '', request, feedbackServices()),
});

app.http('listFeedback', {
  route: 'models/{name}/feedback',
  methods: ['GET'],
  authLevel: 'function',
  handler: (request: HttpRequest) => listFeedback(request.params.name ?? '', feedbackServices()),
});

app.http('getLiveMetrics', {
  route: 'models/{name}/live-metrics',
  methods: ['GET'],
  authLevel: 'function',
  handler: (request: HttpRequest) => getLiveMetrics(request.params.name ?? '', request, feedbackServices()),
});
