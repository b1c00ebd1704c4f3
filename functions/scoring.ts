import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { driftBreachHandler, scoringServices } from '../src/appServices';
import { commitScoreJob } from '../src/scoring/activities/commitScoreJob';
import { failScoreJob } from '../src/scoring/activities/failScoreJob';
import { prepareScoreJob } from '../src/scoring/activities/prepareScoreJob';
import { scorePartition } from '../src/scoring/activities/scorePartition';
import {
  scoringActivityNames as names,
  type CommitInput,
  type FailJobInput,
  type ScoreJobInput,
  type ScorePartitionInput,
} from '../src/scoring/jobContracts';
import { scoreJobOrchestrator } from '../src/scoring/startScoreJob';
import { scoreJob } from '../src/orchestrations/scoreJob';

df.app.orchestration(scoreJobOrchestrator, scoreJob);

df.app.activity(names.prepare, {
  handler: (input: ScoreJobInput) => prepareScoreJob(input, scoringServices()),
});
df.app.activity(names.scorePartition, {
  handler: (input: ScorePartitionInput) => scorePartition(input, scoringServices()),
});
// The Durable client starts a retrain when the job's drift breaches and the card asks for it.
df.app.activity(names.commit, {
  extraInputs: [df.input.durableClient()],
  handler: (input: CommitInput, context: InvocationContext) =>
    commitScoreJob(input, scoringServices(), driftBreachHandler(df.getClient(context))),
});
df.app.activity(names.fail, { handler: (input: FailJobInput) => failScoreJob(input, scoringServices()) });
