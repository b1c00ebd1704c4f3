import { startFunctionHost, type RunningFunctionHost } from '../host/FunctionHost';

/**
 * Runs the host until SIGINT/SIGTERM, then stops it cleanly (appTerminate hooks, Azurite). The signal
 * handlers are in place before anything starts: a Ctrl+C during start-up stops the host as soon as it
 * is up, and one right after "Host ready" is never lost.
 */
export async function runHostCommand(
  appDir: string,
  port: number,
  whenReady?: (baseUrl: string) => Promise<void>,
): Promise<void> {
  let host: RunningFunctionHost | undefined;
  let stopRequested = false;
  let stopping: Promise<void> | undefined;
  let stopped: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (stopped = resolve));
  const stop = () => {
    stopping ??= (host?.stop() ?? Promise.resolve()).then(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      stopped();
    });
  };
  const onSignal = () => {
    if (stopRequested) {
      // A second Ctrl+C: stop waiting for running invocations. Azurite notices this process is gone and
      // saves its data on its way down.
      console.log('Stopping now.');
      process.exit(130);
    }
    stopRequested = true;
    console.log('Stopping the host (Ctrl+C again to stop at once)...');
    if (host) stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    host = await startFunctionHost({ appDir, port });
  } catch (error) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    throw error;
  }
  if (stopRequested) stop();
  else console.log(`Host ready at ${host.baseUrl} (Ctrl+C to stop)`);
  if (whenReady && !stopRequested) {
    // The host keeps serving whatever happens here.
    await whenReady(host.baseUrl).catch((error: unknown) => console.error(`${(error as Error).message}`));
  }
  await done;
}
