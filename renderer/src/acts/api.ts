import type { ActsChannels, ActsEvents } from '../../../shared/acts/ipc.js';
import { api } from '../api/bridge.js';

/**
 * The `actes:*` channels as a typed bridge. Kept apart from the general
 * `Channel` map so these screens type-check on their own contract
 * (shared/acts/ipc.ts); at run time it is the same bridge as every screen.
 */
export interface ActsBridge {
  invoke<C extends keyof ActsChannels>(channel: C, input: ActsChannels[C]['input']): Promise<ActsChannels[C]['output']>;
  on<E extends keyof ActsEvents>(event: E, listener: (payload: ActsEvents[E]) => void): () => void;
}

export function actsApi(): ActsBridge {
  return api() as unknown as ActsBridge;
}
