import * as df from 'durable-functions';
import { driftBreachHandler, streamingServices } from '../src/appServices';
import { streamWindow } from '../src/orchestrations/streamWindow';
import { aggregateStreamWindow } from '../src/streaming/windows/activities/aggregateStreamWindow';
import { closeStreamWindow } from '../src/streaming/windows/activities/closeStreamWindow';
import { commitStreamWindow } from '../src/streaming/windows/activities/commitStreamWindow';
import { scoreStreamWindowShard } from '../src/streaming/windows/activities/scoreStreamWindowShard';
import {
  streamWindowOrchestrator,
  windowActivityNames as names,
  type AggregateInput,
  type CommitWindowInput,
  type ScoreShardInput,
  type WindowRef,
} from '../src/streaming/windows/windowContracts';

df.app.orchestration(streamWindowOrchestrator, streamWindow);

df.app.activity(names.close, {
  handler: (input: WindowRef) => closeStreamWindow(input, streamingServices()),
});
df.app.activity(names.aggregate, {
  handler: (input: AggregateInput) => aggregateStreamWindow(input, streamingServices()),
});
df.app.activity(names.scoreShard, {
  handler: (input: ScoreShardInput) => scoreStreamWindowShard(input, streamingServices()),
});
df.app.activity(names.commit, {
  // Late events of a window re-opened (late: "reopen") start its next version; a drift breach, a
  // retrain where the model's card asks for it.
  extraInputs: [df.input.durableClient()],
  handler: (input: CommitWindowInput, context) => {
    const client = df.getClient(context);
    return commitStreamWindow(input, streamingServices(), client, driftBreachHandler(client));
  },
});
