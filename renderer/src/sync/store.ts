import { create } from 'zustand';
import type { SyncState } from '../../../shared/sync/ipc.js';
import { api, messageOf } from '../api/bridge.js';

interface SyncStore {
  state: SyncState | null;
  busy: boolean;
  /** Error of the last call from this screen (the core's own last error is in state.lastError). */
  error: string | null;
  start(): () => void;
  syncNow(): Promise<void>;
  confirmMassDeletion(accept: boolean): Promise<void>;
  dismissRejected(mutationId: number): Promise<void>;
}

export const useSync = create<SyncStore>((set) => {
  async function run(call: () => Promise<SyncState>) {
    set({ busy: true, error: null });
    try {
      set({ state: await call(), busy: false });
    } catch (e) {
      set({ busy: false, error: messageOf(e) });
    }
  }
  return {
    state: null,
    busy: false,
    error: null,
    /** Follow the core's `sync:state` events; returns the unsubscribe. */
    start() {
      const off = api().on('sync:state', (state) => set({ state }));
      void run(() => api().invoke('sync:state', null));
      return off;
    },
    syncNow: () => run(() => api().invoke('sync:now', null)),
    confirmMassDeletion: (accept) => run(() => api().invoke('sync:confirm-mass-deletion', { accept })),
    dismissRejected: (mutationId) => run(() => api().invoke('sync:dismiss-rejected', { mutationId })),
  };
});
