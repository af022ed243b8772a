import { create } from 'zustand';
import { type AssistanceHistoryEntry, type AssistanceState, IDLE_ASSISTANCE } from '../../../shared/assistance/ipc.js';
import { api, messageOf } from '../api/bridge.js';
import { applyInput, startRecording } from './recorder.js';

type Verb =
  | 'assistance:request'
  | 'assistance:accept'
  | 'assistance:refuse'
  | 'assistance:grant-control'
  | 'assistance:take-back'
  | 'assistance:end'
  | 'assistance:send-diagnostic';

interface AssistanceStore {
  state: AssistanceState;
  busy: boolean;
  error: string | null;
  /** Follow the core's session; records the page while the secretary shares it. Returns the unsubscribe. */
  start(): () => void;
  run(verb: Verb): Promise<void>;
  chat(text: string): Promise<boolean>;
  dismiss(): void;
}

export const useAssistance = create<AssistanceStore>((set, get) => {
  let stopRecording: (() => void) | null = null;

  function follow(state: AssistanceState) {
    set({ state });
    const sharing = state.status === 'active' && state.consent.view;
    if (sharing && !stopRecording) {
      stopRecording = startRecording(
        (json) =>
          void api()
            .invoke('assistance:frames', { json })
            .catch(() => undefined),
      );
    } else if (!sharing && stopRecording) {
      stopRecording();
      stopRecording = null;
    }
  }

  return {
    state: IDLE_ASSISTANCE,
    busy: false,
    error: null,
    start() {
      const offState = api().on('assistance:state', follow);
      const offInput = api().on('assistance:input', ({ seq, input }) => {
        // The core relays inputs only while the hand is given; checked again here.
        const result = get().state.consent.control ? applyInput(input) : { ok: false, refusal: 'La mairie a repris la main.' };
        void api()
          .invoke('assistance:applied', { seq, ok: result.ok, ...(result.refusal ? { refusal: result.refusal } : {}) })
          .catch(() => undefined);
      });
      void api()
        .invoke('assistance:state', null)
        .then(follow, () => undefined);
      return () => {
        offState();
        offInput();
        stopRecording?.();
        stopRecording = null;
      };
    },
    async run(verb) {
      set({ busy: true, error: null });
      try {
        follow(await api().invoke(verb, null));
        set({ busy: false });
      } catch (e) {
        set({ busy: false, error: messageOf(e) });
      }
    },
    async chat(text) {
      try {
        follow(await api().invoke('assistance:chat', { text }));
        return true;
      } catch (e) {
        set({ error: messageOf(e) });
        return false;
      }
    },
    dismiss() {
      set({ state: IDLE_ASSISTANCE, error: null });
    },
  };
});

interface HistoryStore {
  items: AssistanceHistoryEntry[] | null;
  error: string | null;
  load(): Promise<void>;
  reset(): void;
}

export const useAssistanceHistory = create<HistoryStore>((set) => ({
  items: null,
  error: null,
  async load() {
    set({ error: null });
    try {
      set({ items: await api().invoke('assistance:history', null) });
    } catch (e) {
      set({ error: messageOf(e) });
    }
  },
  reset() {
    set({ items: null, error: null });
  },
}));
