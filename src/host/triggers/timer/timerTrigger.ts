import type { AppFunction, TriggerFactory } from '../../HostExtension';
import { parseTimeSpan, type HostJson } from '../../app/HostJson';
import { HostConfigurationError } from '../../errors';
import { BlobLease, listenerLockBlobName } from './BlobLease';
import { ScheduleStatusStore, scheduleStatusBlobName } from './ScheduleStatusStore';
import { SingletonListener } from './SingletonListener';
import { TimerListener } from './TimerListener';
import { InvalidScheduleError, parseTimerSchedule } from './parseTimerSchedule';
import type { TimerSchedule } from './TimerSchedule';

const stopGraceMs = 30_000;

/**
 * Runs a `timerTrigger` function on its NCRONTAB or TimeSpan schedule, on one host among those sharing
 * the host id and storage. Schedules are evaluated in UTC: WEBSITE_TIME_ZONE is not honoured yet.
 */
export const timerTrigger: TriggerFactory = (fn, services) => {
  const schedule = readSchedule(fn);
  const runOnStartup = fn.trigger.runOnStartup === true || fn.trigger.runOnStartup === 'true';
  // As on Azure, schedules firing more than once a minute never keep status, even with useMonitor: true.
  const useMonitor =
    fn.trigger.useMonitor !== false && fn.trigger.useMonitor !== 'false' && !schedule.isSubMinute;
  // The host names a function's timer after its generated method, Host.Functions.<name>.
  const timerName = `Host.Functions.${fn.name}`;
  const lock = listenerLockOptions(services.app.hostJson);
  const timer = new TimerListener({
    fn,
    services,
    schedule,
    runOnStartup,
    statusStore: useMonitor
      ? new ScheduleStatusStore(
          services.hostStorage.blobs,
          scheduleStatusBlobName(services.hostId, timerName),
        )
      : undefined,
    stopGraceMs,
  });
  return new SingletonListener(timer, {
    functionName: fn.name,
    lease: new BlobLease(
      services.hostStorage.blobs,
      listenerLockBlobName(services.hostId, timerName),
      lock.periodMs / 1000,
    ),
    leasePeriodMs: lock.periodMs,
    recoveryIntervalMs: lock.recoveryIntervalMs,
    log: services.log,
  });
};

function readSchedule(fn: AppFunction): TimerSchedule {
  const expression = fn.trigger.schedule;
  if (typeof expression !== 'string' || expression.trim() === '') {
    throw new HostConfigurationError(
      `Function '${fn.name}': the timer trigger has no "schedule". Give an NCRONTAB expression such as "0 */5 * * * *".`,
    );
  }
  try {
    return parseTimerSchedule(expression);
  } catch (error) {
    if (!(error instanceof InvalidScheduleError)) throw error;
    const raw = fn.registered.metadata.bindings[fn.trigger.name]?.schedule;
    const source = typeof raw === 'string' && raw !== expression ? ` (from ${raw})` : '';
    throw new HostConfigurationError(
      `Function '${fn.name}': the timer schedule${source} ${error.message} Use {second} {minute} {hour} {day} {month} {day-of-week}, e.g. "0 */5 * * * *", or a TimeSpan such as "00:05:00".`,
    );
  }
}

/** host.json `singleton` settings for listener locks, with the host's defaults and limits. */
function listenerLockOptions(hostJson: HostJson): { periodMs: number; recoveryIntervalMs: number } {
  const settings = hostJson.singleton;
  const read = (name: 'listenerLockPeriod' | 'listenerLockRecoveryPollingInterval') => {
    try {
      return parseTimeSpan(settings?.[name], 60_000);
    } catch (error) {
      throw new HostConfigurationError(`host.json singleton.${name}: ${(error as Error).message}`);
    }
  };
  const periodMs = read('listenerLockPeriod');
  // Blob leases last 15 to 60 seconds.
  if (periodMs < 15_000 || periodMs > 60_000 || periodMs % 1000 !== 0) {
    throw new HostConfigurationError(
      `host.json singleton.listenerLockPeriod must be whole seconds between 00:00:15 and 00:01:00 (a blob lease period).`,
    );
  }
  const recoveryIntervalMs = read('listenerLockRecoveryPollingInterval');
  if (recoveryIntervalMs <= 0) {
    throw new HostConfigurationError(
      'host.json singleton.listenerLockRecoveryPollingInterval must be positive.',
    );
  }
  return { periodMs, recoveryIntervalMs };
}
