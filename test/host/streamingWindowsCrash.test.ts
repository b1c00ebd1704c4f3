import { closeRaised, landingPut, watermarkRecorded, windowKillTests } from '../support/windowKillTests';

// A window stream's host killed (SIGKILL) while events land and as a window closes, once per window,
// and restarted with the same host id: each window is still committed exactly once.
describe('window streams through kills of the host: landing and closing', () => {
  windowKillTests(
    [
      ['mid-landing, once 3 of its landing blobs exist', { afterLandings: 3 }],
      [
        'after the closing reading landed, before the watermark moved',
        { cut: (run, k) => landingPut(run, k + 1) },
      ],
      [
        'after the closing batch recorded the watermark, before the close was raised',
        { cut: watermarkRecorded },
      ],
      ['after the close was raised, before the closing batch is checkpointed', { cut: closeRaised }],
      ['at a seeded random moment after its readings were sent', { randomMs: 400, after: 'readings' }],
      ['at a seeded random moment after the closing reading', { randomMs: 1500, after: 'closing reading' }],
    ],
    20260601,
  );
});
