import type { VideoJobServices } from '../VideoJobServices';
import type { DispatchVideoWorkInput } from '../videoJobContracts';

/** Hands a wave of frame ranges to the container dispatcher (queue + workers). */
export async function dispatchVideoWork(
  input: DispatchVideoWorkInput,
  services: VideoJobServices,
): Promise<null> {
  await services.dispatcher().dispatch(input.items);
  return null;
}
