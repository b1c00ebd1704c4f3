import type { KillPoint, RunNames } from './ScoringCrashSuite';
import type { StorageService, TapCut } from './StorageTap';

// A scoring job's storage requests, as the tap sees them: `<METHOD> <decoded path and query>`.
const account = '/devstoreaccount1';
const jobsInsert = () => new RegExp(`^POST ${account}/jobs(\\?|$)`);
const jobsRow = () => new RegExp(`^\\w+ ${account}/jobs\\(`);
const instancesInsert = (names: RunNames) => new RegExp(`^POST ${account}/${names.hub}Instances(\\?|$)`);
const output = (names: RunNames, rest: string) =>
  new RegExp(`^PUT ${account}/${names.output}/blob-\\w+/${rest}`);
const stageBlock = (names: RunNames) => output(names, 'predictions\\.csv\\?.*comp=block&');
const commitBlockList = (names: RunNames) => output(names, 'predictions\\.csv\\?comp=blocklist');
const putManifest = (names: RunNames) => output(names, '_manifest\\.json');

/** Kills the host before or after the request (and body) matched: Azurite applied it, or never saw it. */
function cut(
  when: TapCut['when'],
  service: StorageService,
  request: (names: RunNames) => RegExp,
  body?: RegExp,
): KillPoint['kill'] {
  return { cut: (names) => ({ service, request: request(names), body, when }) };
}

/** From the upload to the orchestration's start (the blob trigger's part), host alone. */
export const triggerPoints: KillPoint[] = [
  { stage: 'upload acknowledged, before the trigger ran', kill: { afterUpload: true } },
  { stage: 'trigger: receipt taken, job row not written', kill: cut('before', 'table', jobsInsert) },
  { stage: 'trigger: job row written, orchestration not started', kill: cut('after', 'table', jobsInsert) },
  // A start sends its message, then writes the instance row. With the row first, the second kill
  // left a Pending instance that nothing ever started, and the job Queued for ever.
  {
    stage: 'trigger: start message sent, instance row not written',
    kill: cut('before', 'table', instancesInsert),
  },
  {
    stage: 'trigger: orchestration started, blob receipt not completed',
    kill: cut('after', 'table', instancesInsert),
  },
];

/** From the orchestration's first episode to the last wave of partitions, host alone. */
export const jobPoints: KillPoint[] = [
  { stage: 'job start: first episode committed, prepare not sent', kill: { crashAt: 'after-commit:1' } },
  {
    stage: 'prepareScoreJob: job row Running, plan not made',
    kill: cut('after', 'table', jobsRow, /"status":"Running"/),
  },
  {
    stage: 'prepareScoreJob: result sent, work item not deleted',
    kill: { crashAt: 'activity-after-result:1' },
  },
  {
    stage: 'first wave: one partition reported, the other running',
    kill: { crashAt: 'activity-after-result:2' },
  },
  { stage: 'mid-wave: first partition block staged', kill: cut('after', 'blob', stageBlock) },
  {
    stage: 'between waves: wave 1 committed, wave 2 not sent',
    kill: { crashAt: 'after-commit-with-sends:3' },
  },
];

/** Inside the commit activity, host alone. */
export const commitPoints: KillPoint[] = [
  { stage: 'commit: before the block list commit', kill: cut('before', 'blob', commitBlockList) },
  { stage: 'commit: after the block list commit', kill: cut('after', 'blob', commitBlockList) },
  { stage: 'commit: before the manifest', kill: cut('before', 'blob', putManifest) },
  { stage: 'commit: after the manifest', kill: cut('after', 'blob', putManifest) },
  {
    stage: 'commit: before the final job-row update',
    kill: cut('before', 'table', jobsRow, /"status":"Succeeded"/),
  },
  {
    stage: 'commit: after the final job-row update, result not sent',
    kill: cut('after', 'table', jobsRow, /"status":"Succeeded"/),
  },
];

/** A host that runs its own Azurite: no tap, so the upload and the host's crash points. */
export const embeddedAzuritePoints: KillPoint[] = [
  { stage: 'upload acknowledged, before the trigger ran', kill: { afterUpload: true } },
  {
    stage: 'trigger: receipt taken, function not run',
    kill: { crashAt: 'before-invocation:scoreDroppedBlob:1' },
  },
  {
    stage: 'trigger: job started, receipt not completed',
    kill: { crashAt: 'after-invocation:scoreDroppedBlob:1' },
  },
  {
    stage: 'between waves: wave 1 committed, wave 2 not sent',
    kill: { crashAt: 'after-commit-with-sends:3' },
  },
  { stage: 'commit: done, its result not sent', kill: { crashAt: 'after-invocation:commitScoreJob:1' } },
];
