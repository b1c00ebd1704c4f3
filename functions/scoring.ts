import * as df from 'durable-functions';
import { scoringServices } from '../src/appServices';
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
df.app.activity(names.commit, { handler: (input: CommitInput) => commitScoreJob(input, scoringServices()) });
df.app.activity(names.fail, { handler: (input: FailJobInput) => failScoreJob(input, scoringServices()) });
