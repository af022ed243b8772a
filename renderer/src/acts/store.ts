import { create } from 'zustand';
import type { Classification } from '../../../shared/acts/classification.js';
import type {
  ActDetail,
  ActSummary,
  ActsChannels,
  ActsEvents,
  CertificateInfo,
  CreateActInput,
  FileContent,
} from '../../../shared/acts/ipc.js';
import type { ActState } from '../../../shared/acts/records.js';
import { api, messageOf } from '../api/bridge.js';

export const ACTS_PAGE = 50;

export type AnswerInput = ActsChannels['acts:answer-letter']['input'];
export type AnswerType = AnswerInput['type'];

type Progress = ActsEvents['acts:upload-progress'];

interface ActsStore {
  filter: ActState | null;
  items: ActSummary[];
  offset: number;
  loading: boolean;
  error: string | null;
  /** A confirmation shown once (after saving, signing, transmitting…). */
  notice: string | null;
  classification: Classification | null;
  classificationLoaded: boolean;
  certificate: CertificateInfo | null;
  detail: ActDetail | null;
  /** Upload of each file of the open act, by SHA-256, from `acts:upload-progress`. */
  progress: Record<string, Progress>;
  /** The action running on the act page, so its button shows it and others wait. */
  busy: 'sign' | 'transmit' | 'cancel' | 'answer' | 'certificate' | 'create' | null;
  /** Letters answered from this PC whose answer the hub has not listed yet (so the form is not offered twice). */
  answered: string[];

  /** Follow the sync (lists and the open act change when the hub answers) and upload progress; returns the unsubscribe. */
  start(): () => void;
  load(filter?: ActState | null): Promise<void>;
  setOffset(offset: number): void;
  loadClassification(): Promise<void>;
  loadCertificate(): Promise<void>;
  open(id: string): Promise<void>;
  create(input: CreateActInput): Promise<ActDetail | null>;
  importCertificate(file: { fileName: string; content: Uint8Array }, password: string): Promise<boolean>;
  /** `confirmNoSiren`: the signer confirmed a certificate without SIREN is the collectivité's. */
  sign(id: string, password: string, confirmNoSiren?: boolean): Promise<boolean>;
  transmit(id: string): Promise<boolean>;
  cancel(id: string): Promise<boolean>;
  answerLetter(input: AnswerInput): Promise<boolean>;
  /** Bordereau, stamped copy or a stored file, as bytes for a download. */
  fetchFile(what: 'bordereau' | 'stamped-copy', id: string): Promise<FileContent | null>;
  fetchStored(sha256: string): Promise<FileContent | null>;
  clearMessages(): void;
}

export const useActs = create<ActsStore>((set, get) => {
  /** The act page's calls share a shape: busy flag, fresh detail, a French notice or error. */
  async function act(busy: NonNullable<ActsStore['busy']>, call: () => Promise<ActDetail>, notice: string): Promise<boolean> {
    set({ busy, error: null, notice: null });
    try {
      const detail = await call();
      set({ detail, busy: null, notice });
      void get().load();
      return true;
    } catch (e) {
      set({ busy: null, error: messageOf(e) });
      return false;
    }
  }

  return {
    filter: null,
    items: [],
    offset: 0,
    loading: false,
    error: null,
    notice: null,
    classification: null,
    classificationLoaded: false,
    certificate: null,
    detail: null,
    progress: {},
    busy: null,
    answered: [],

    start() {
      // A finished sync round may have brought statuses (or sent the act): read again then, not on every phase.
      const offSync = api().on('sync:state', (state) => {
        if (state.phase !== 'idle') return;
        void get().load();
        const open = get().detail;
        if (open) void get().open(open.act.id);
      });
      const offProgress = api().on('acts:upload-progress', (p) => set({ progress: { ...get().progress, [p.sha256]: p } }));
      return () => {
        offSync();
        offProgress();
      };
    },
    async load(filter = get().filter) {
      const changed = filter !== get().filter;
      set({ loading: true, filter, offset: changed ? 0 : get().offset });
      try {
        const items = await api().invoke('acts:list', { state: filter });
        // Keep the page in range when the list shrank.
        const offset = get().offset >= items.length ? Math.max(0, Math.floor((items.length - 1) / ACTS_PAGE) * ACTS_PAGE) : get().offset;
        set({ items, offset, loading: false });
      } catch (e) {
        set({ loading: false, error: messageOf(e) });
      }
    },
    setOffset: (offset) => set({ offset }),
    async loadClassification() {
      try {
        set({ classification: await api().invoke('acts:classification', null), classificationLoaded: true });
      } catch (e) {
        set({ error: messageOf(e), classificationLoaded: true });
      }
    },
    async loadCertificate() {
      try {
        set({ certificate: await api().invoke('acts:certificate', null) });
      } catch (e) {
        set({ error: messageOf(e) });
      }
    },
    async open(id) {
      if (get().detail?.act.id !== id) set({ detail: null, progress: {} });
      try {
        const before = get().detail;
        const detail = await api().invoke('acts:get', { id });
        // A confirmation ("transmission demandée"…) no longer holds once the act moved on.
        const moved =
          before?.act.id === id &&
          (JSON.stringify(before.status) !== JSON.stringify(detail.status) ||
            before.act.transmitRequested !== detail.act.transmitRequested ||
            !!before.act.signature !== !!detail.act.signature);
        set(moved && get().busy === null ? { detail, notice: null } : { detail });
      } catch (e) {
        set({ error: messageOf(e) });
      }
    },
    async create(input) {
      set({ busy: 'create', error: null, notice: null });
      try {
        const detail = await api().invoke('acts:create', input);
        set({ busy: null, detail, notice: 'Brouillon enregistré sur ce poste.' });
        void get().load();
        return detail;
      } catch (e) {
        set({ busy: null, error: messageOf(e) });
        return null;
      }
    },
    async importCertificate(file, password) {
      set({ busy: 'certificate', error: null, notice: null });
      try {
        // The password goes straight to the core and is not kept here.
        const certificate = await api().invoke('acts:import-certificate', { ...file, password });
        set({ certificate, busy: null, notice: 'Certificat importé sur ce poste.' });
        return true;
      } catch (e) {
        set({ busy: null, error: messageOf(e) });
        return false;
      }
    },
    sign: (id, password, confirmNoSiren = false) =>
      act(
        'sign',
        () => api().invoke('acts:sign', { id, password, ...(confirmNoSiren ? { confirmNoSiren } : {}) }),
        'Acte signé. Vous pouvez le transmettre à la préfecture.',
      ),
    transmit: (id) =>
      act(
        'transmit',
        () => api().invoke('acts:transmit', { id }),
        'Transmission demandée. L’acte part vers la préfecture dès que le poste est relié au serveur.',
      ),
    cancel: (id) => act('cancel', () => api().invoke('acts:cancel', { id }), 'Demande d’annulation enregistrée.'),
    async answerLetter(input) {
      const ok = await act(
        'answer',
        () => api().invoke('acts:answer-letter', input),
        'Réponse enregistrée ; elle part vers la préfecture à la prochaine synchronisation.',
      );
      if (ok) set({ answered: [...get().answered, input.letterId] });
      return ok;
    },
    async fetchFile(what, id) {
      set({ error: null });
      try {
        return await api().invoke(what === 'bordereau' ? 'acts:bordereau' : 'acts:stamped-copy', { id });
      } catch (e) {
        set({ error: messageOf(e) });
        return null;
      }
    },
    async fetchStored(sha256) {
      set({ error: null });
      try {
        return await api().invoke('acts:file', { sha256 });
      } catch (e) {
        set({ error: messageOf(e) });
        return null;
      }
    },
    clearMessages: () => set({ error: null, notice: null }),
  };
});
