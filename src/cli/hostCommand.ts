import { startFunctionHost } from '../host/FunctionHost';

/** Runs the host until SIGINT/SIGTERM, then stops it cleanly (appTerminate hooks, Azurite). */
export async function runHostCommand(appDir: string, port: number): Promise<void> {
  const host = await startFunctionHost({ appDir, port });
  console.log(`Host ready at ${host.baseUrl} (Ctrl+C to stop)`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const shutdown = () => {
      if (stopping) {
        // A second Ctrl+C: stop waiting for running invocations. Azurite exits with this process.
        console.log('Stopping now.');
        process.exit(130);
      }
      stopping = true;
      console.log('Stopping the host (Ctrl+C again to stop at once)...');
      void host.stop().then(() => {
        process.off('SIGINT', shutdown);
        process.off('SIGTERM', shutdown);
        resolve();
      });
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
}
