import { InferenceSession } from 'onnxruntime-node';

// A one-node model (Relu over float[1]), enough to make onnxruntime load an execution provider.
const probeModel = Buffer.from(
  'CAgSBXByb2JlOjcKDAoBeBIBeSIEUmVsdRIFcHJvYmVaDwoBeBIKCggIARIECgIIAWIPCgF5EgoKCAgBEgQKAggBQgQKABAN',
  'base64',
);

export type ExecutionProvider = 'cuda' | 'cpu';

/**
 * CUDA when onnxruntime can open a session on it (its provider library, the CUDA and cuDNN libraries
 * and a device are all there), else the CPU. `cuda` demands it and fails without it.
 */
export async function detectExecutionProvider(
  wanted: 'auto' | ExecutionProvider,
  log: (message: string) => void,
): Promise<ExecutionProvider> {
  if (wanted === 'cpu') return 'cpu';
  try {
    const session = await InferenceSession.create(probeModel, {
      executionProviders: ['cuda'],
      logSeverityLevel: 4,
    });
    await session.release();
    return 'cuda';
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (wanted === 'cuda')
      throw new Error(`WORKER_EXECUTION_PROVIDER is cuda, but CUDA is not usable: ${reason}`);
    log(`CUDA execution provider not usable (${reason}); using the CPU.`);
    return 'cpu';
  }
}
