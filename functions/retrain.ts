import { app, type HttpRequest, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { retrain } from '../src/orchestrations/retrain';
import { evaluateRetrainModels } from '../src/training/retrain/activities/evaluateRetrainModels';
import { finishRetrain } from '../src/training/retrain/activities/finishRetrain';
import { prepareRetrain } from '../src/training/retrain/activities/prepareRetrain';
import { promoteCandidate } from '../src/training/retrain/activities/promoteCandidate';
import { registerCandidate } from '../src/training/retrain/activities/registerCandidate';
import { trainCandidate } from '../src/training/retrain/activities/trainCandidate';
import { retrainServices } from '../src/appServices';
import {
  retrainActivityNames as names,
  retrainOrchestrator,
  type EvaluateInput,
  type PrepareRetrainInput,
  type PromoteInput,
  type RegisterInput,
  type RunPlan,
  type RunReport,
} from '../src/training/retrain/retrainContracts';
import { getRun, listRuns, requestRetrain } from '../src/training/retrain/retrainHttp';
import { retrainScheduleBinding } from '../src/training/retrain/retrainSchedule';
import { startScheduledRetrains } from '../src/training/retrain/startScheduledRetrains';

const durableClient = df.input.durableClient();

df.app.orchestration(retrainOrchestrator, retrain);

df.app.activity(names.prepare, {
  handler: (input: PrepareRetrainInput) => prepareRetrain(input, retrainServices()),
});
df.app.activity(names.train, { handler: (plan: RunPlan) => trainCandidate(plan, retrainServices()) });
df.app.activity(names.evaluate, {
  handler: (input: EvaluateInput) => evaluateRetrainModels(input, retrainServices()),
});
df.app.activity(names.register, {
  handler: (input: RegisterInput) => registerCandidate(input, retrainServices()),
});
df.app.activity(names.promote, {
  handler: (input: PromoteInput) => promoteCandidate(input, retrainServices()),
});
df.app.activity(names.finish, { handler: (report: RunReport) => finishRetrain(report, retrainServices()) });

/** Nightly (RETRAIN_SCHEDULE): one run per model whose card declares a training source. */
export async function retrainOnSchedule(timer: Timer, context: InvocationContext): Promise<void> {
  const runs = await startScheduledRetrains(
    df.getClient(context),
    retrainServices(),
    timer.scheduleStatus?.next,
    new Date(),
  );
  const at = runs.occurrence.toISOString();
  context.log(`Retraining for the ${at} occurrence: started ${runs.started.join(', ') || 'none'}`);
  if (runs.existing.length > 0) context.log(`Already started for ${at}: ${runs.existing.join(', ')}`);
  for (const { name, reason } of runs.skipped) context.warn(`Not retraining ${name}: ${reason}`);
}

app.timer('retrainOnSchedule', {
  schedule: retrainScheduleBinding(process.env),
  extraInputs: [durableClient],
  handler: retrainOnSchedule,
});

app.http('requestRetrain', {
  route: 'models/{name}/retrain',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: [durableClient],
  handler: (request: HttpRequest, context: InvocationContext) =>
    requestRetrain(request.params.name ?? '', request, df.getClient(context), retrainServices()),
});

app.http('listRetrainRuns', {
  route: 'models/{name}/runs',
  methods: ['GET'],
  authLevel: 'function',
  handler: (request: HttpRequest) => listRuns(request.params.name ?? '', request, retrainServices()),
});

app.http('getRetrainRun', {
  route: 'models/{name}/runs/{runId}',
  methods: ['GET'],
  authLevel: 'function',
  extraInputs: [durableClient],
  handler: (request: HttpRequest, context: InvocationContext) =>
    getRun(request.params.name ?? '', request.params.runId ?? '', df.getClient(context), retrainServices()),
});
