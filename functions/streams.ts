import { app, type InvocationContext } from '@azure/functions';
import { streamDefinitions, streamingServices } from '../src/appServices';
import { scoreStreamBatch } from '../src/streaming/scoreStreamBatch';
import { streamBatchOf } from '../src/streaming/StreamBatch';
import { getStream, listStreams } from '../src/streaming/streamsHttp';

// One Event Hub trigger per stream definition, registered when the app is loaded.
for (const stream of streamDefinitions()) {
  if (stream.mode !== 'perEvent')
    throw new Error(
      `Stream ${stream.name}: mode "${stream.mode}" is not built yet; only "perEvent" streams run (see docs/streaming.md).`,
    );
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
    handler: async (messages: unknown[], context: InvocationContext) => {
      await scoreStreamBatch(stream, streamBatchOf(messages, context.triggerMetadata), streamingServices());
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
