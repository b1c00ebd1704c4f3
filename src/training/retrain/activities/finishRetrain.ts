import type { FinishRetrainInput, RetrainOutcome, RunReport } from '../retrainContracts';
import type { RetrainServices } from '../RetrainServices';
import { withRunStep } from '../retrainSpans';

/** Writes the run report (blob) and its summary row (`trainingRuns`); the run's last step, whatever the outcome. */
export function finishRetrain(input: FinishRetrainInput, services: RetrainServices): Promise<RetrainOutcome> {
  const { traceParent, traceState, ...report } = input;
  return withRunStep('finishRetrain', report, { traceParent, traceState }, () => finish(report, services));
}

async function finish(report: RunReport, services: RetrainServices): Promise<RetrainOutcome> {
  const path = await services.runs.finish({ ...report, completedAt: new Date().toISOString() });
  return {
    runId: report.runId,
    model: report.model,
    status: report.status,
    decision: report.decision,
    report: path,
    candidateVersion: report.candidate?.version,
    productionVersion: report.productionVersion,
  };
}
