import { committedRow, outputCommit, windowKillTests } from '../support/windowKillTests';

// A window stream's host killed (SIGKILL) inside the window's orchestration, from the close to the
// commit, once per window, and restarted with the same host id: each window is still committed
// exactly once.
describe('window streams through kills of the host: close, score and commit', () => {
  windowKillTests(
    [
      [
        'after the close listed the landings, before its result',
        { crashAt: 'after-invocation:closeStreamWindow:1' },
      ],
      [
        'mid fan-out, as its second shard is about to be scored',
        { crashAt: 'before-invocation:scoreStreamWindowShard:2' },
      ],
      ['after the output blob was committed, before the manifest', { cut: outputCommit }],
      ['after the output and manifest, before the row is Committed', { cut: committedRow }],
      ['after the commit, before its result', { crashAt: 'after-invocation:commitStreamWindow:1' }],
    ],
    20261207,
  );
});
