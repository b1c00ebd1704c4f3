import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { streamDefinitions, streamingServices } from '../src/appServices';
import { recordingFailures } from '../src/streaming/recordingFailures';
import { scoreStreamBatch } from '../src/streaming/scoreStreamBatch';
import { streamBatchOf } from '../src/streaming/StreamBatch';
import { getStream, listStreamWindows, listStreams } from '../src/streaming/streamsHttp';
import { landWindowBatch } from '../src/streaming/windows/landWindowBatch';
import { validateStream } from '../src/streaming/validateStream';

// One Event Hub trigger per stream definition, registered when the app is loaded.
for (const stream of streamDefinitions()) {
  app.eventHub(`stream-${stream.name}`, {
    connection: stream.source.connection,
    eventHubName: stream.source.hub,
    consumerGroup: stream.source.consumerGroup,
    cardinality: 'many',
    // The host checkpoints a batch even when the function fails: retry before moving on.
    retry: {
      strategy: 'exponentialBackoff',
      maxRetryCount: 5,
      minimumInterval: 500,
      maximumInterval: 10_000,
    },
    extraInputs: stream.mode === 'window' ? [df.input.durableClient()] : [],
    handler: async (messages: unknown[], context: InvocationContext) => {
      const batch = streamBatchOf(messages, context.triggerMetadata);
      const services = streamingServices();
      if (stream.mode === 'window') services.models.prepare(stream);
      await recordingFailures(stream, batch, services, () =>
        stream.mode === 'window'
          ? landWindowBatch(stream, batch, services, df.getClient(context))
          : scoreStreamBatch(stream, batch, services),
      );
    },
  });
}

app.http('listStreams', {
  route: 'streams',
  methods: ['GET'],
  authLevel: 'function',
  handler: () => listStreams(streamingServices()),
});

app.http('getStream', {
  route: 'streams/{name}',
  methods: ['GET'],
  authLevel: 'function',
  handler: (request) => getStream(request.params.name ?? '', streamingServices()),
});

app.http('validateStream', {
  route: 'streams/validate',
  methods: ['POST'],
  authLevel: 'function',
  handler: (request) => validateStream(request, streamingServices()),
});

app.http('listStreamWindows', {
  route: 'streams/{name}/windows',
  methods: ['GET'],
  authLevel: 'function',
  handler: (request) => listStreamWindows(request.params.name ?? '', request.query, streamingServices()),
});
