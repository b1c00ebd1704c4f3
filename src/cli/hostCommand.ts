import { startFunctionHost } from '../host/FunctionHost';

/** Runs the host until SIGINT/SIGTERM, then stops it cleanly (appTerminate hooks, Azurite). */
export async function runHostCommand(appDir: string, port: number): Promise<void> {
  const host = await startFunctionHost({ appDir, port });
  console.log(`Host ready at ${host.baseUrl} (Ctrl+C to stop)`);
  await new Promise<void>((resolve) => {
    const shutdown = () => {
      process.off('SIGINT', shutdown);
      process.off('SIGTERM', shutdown);
      console.log('Stopping the host...');
      void host.stop().then(resolve);
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
}
