/** Nightly at 02:00 UTC (six-field NCRONTAB). */
export const defaultRetrainSchedule = '0 0 2 * * *';

/**
 * The retraining timer's schedule binding: `%RETRAIN_SCHEDULE%` when the app setting exists, so the
 * Functions host resolves it as usual, else the nightly default (a `%...%` naming a missing setting
 * would stop the host at start).
 */
export function retrainScheduleBinding(env: NodeJS.ProcessEnv): string {
  return env.RETRAIN_SCHEDULE ? '%RETRAIN_SCHEDULE%' : defaultRetrainSchedule;
}
