import { create } from 'zustand';
import type { ImportDiffEntry, ImportPreview } from '../../../shared/electoral/ipc.js';
import type { CreateDemandInput } from '../../../shared/electoral/ipc.js';
import type { Demand, DemandStatus, ElectorSummary, ImportRecord } from '../../../shared/electoral/types.js';
import type { ElectoralEvents } from '../../../shared/electoral/ipc.js';
import { api, messageOf } from '../api/bridge.js';

export const SEARCH_DEBOUNCE_MS = 80;
export const SEARCH_PAGE = 200;

// ————— search as you type —————

interface SearchStore {
  query: string;
  items: ElectorSummary[];
  total: number;
  loading: boolean;
  error: string | null;
  setQuery(query: string): void;
  /** Fetch the next page when the list scrolls near its end. */
  loadMore(): Promise<void>;
  /** Forget results, cancel a pending search and ignore answers still on their way (logout). */
  reset(): void;
}

let searchTimer: ReturnType<typeof setTimeout> | undefined;
// Answers can come back out of order while typing: only the latest request may write.
let searchSeq = 0;

export const useSearch = create<SearchStore>((set, get) => {
  async function fetchPage(offset: number) {
    const seq = ++searchSeq;
    const query = get().query;
    set({ loading: true, error: null });
    try {
      const res = await api().invoke('electoral:search', { query, listType: null, offset, limit: SEARCH_PAGE });
      if (seq !== searchSeq) return;
      set({ items: offset === 0 ? res.items : [...get().items, ...res.items], total: res.total, loading: false });
    } catch (e) {
      if (seq === searchSeq) set({ loading: false, error: messageOf(e) });
    }
  }
  return {
    query: '',
    items: [],
    total: 0,
    loading: false,
    error: null,
    setQuery(query) {
      set({ query });
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => void fetchPage(0), SEARCH_DEBOUNCE_MS);
    },
    async loadMore() {
      const { items, total, loading } = get();
      if (loading || items.length >= total) return;
      await fetchPage(items.length);
    },
    reset() {
      clearTimeout(searchTimer);
      searchSeq++;
      set({ query: '', items: [], total: 0, loading: false, error: null });
    },
  };
});

// ————— import of a REU extract —————

export const DIFF_PAGE = 50;

type Progress = ElectoralEvents['electoral:import-progress'];

interface ImportStore {
  step: 'choose' | 'reading' | 'preview' | 'committing' | 'done';
  progress: Progress | null;
  preview: ImportPreview | null;
  diffPage: { offset: number; total: number; items: ImportDiffEntry[] };
  record: ImportRecord | null;
  error: { message: string; detail?: string } | null;
  readFile(file: { name: string; arrayBuffer(): Promise<ArrayBuffer> }): Promise<void>;
  showDiff(offset: number): Promise<void>;
  /** `confirmMassRemoval`: the user ticked that the electors the file removes will leave the list (mass-removal.ts). */
  commit(confirmMassRemoval?: boolean): Promise<void>;
  cancel(): Promise<void>;
  reset(): void;
}

function errorOf(e: unknown): { message: string; detail?: string } {
  const detail = (e as { detail?: unknown })?.detail;
  return { message: messageOf(e), detail: typeof detail === 'string' ? detail : undefined };
}

/** Progress events only matter while a long step runs. */
function followProgress(set: (p: Partial<ImportStore>) => void): () => void {
  return api().on('electoral:import-progress', (progress) => set({ progress }));
}

export const useImport = create<ImportStore>((set, get) => ({
  step: 'choose',
  progress: null,
  preview: null,
  diffPage: { offset: 0, total: 0, items: [] },
  record: null,
  error: null,
  async readFile(file) {
    set({ step: 'reading', progress: null, error: null, preview: null, record: null });
    const off = followProgress(set);
    try {
      const content = new Uint8Array(await file.arrayBuffer());
      const preview = await api().invoke('electoral:import-preview', { fileName: file.name, content });
      const total = preview.diff.added + preview.diff.removed + preview.diff.changedBureau + preview.diff.changedAddress;
      set({ step: 'preview', preview, diffPage: { offset: 0, total, items: preview.diffSample.slice(0, DIFF_PAGE) } });
      // The sample may be shorter than a page: fetch a full first page then.
      if (preview.diffSample.length < Math.min(DIFF_PAGE, total)) await get().showDiff(0);
    } catch (e) {
      set({ step: 'choose', error: errorOf(e) });
    } finally {
      off();
    }
  },
  async showDiff(offset) {
    const preview = get().preview;
    if (!preview) return;
    try {
      const page = await api().invoke('electoral:import-diff', { previewId: preview.previewId, offset, limit: DIFF_PAGE });
      set({ diffPage: { offset, total: page.total, items: page.items } });
    } catch (e) {
      set({ error: errorOf(e) });
    }
  },
  async commit(confirmMassRemoval = false) {
    const preview = get().preview;
    if (!preview) return;
    set({ step: 'committing', progress: null, error: null });
    const off = followProgress(set);
    try {
      const record = await api().invoke(
        'electoral:import-commit',
        confirmMassRemoval ? { previewId: preview.previewId, confirmMassRemoval } : { previewId: preview.previewId },
      );
      set({ step: 'done', record, preview: null });
    } catch (e) {
      set({ step: 'preview', error: errorOf(e) });
    } finally {
      off();
    }
  },
  async cancel() {
    const preview = get().preview;
    set({ step: 'choose', preview: null, error: null, progress: null });
    if (preview)
      await api()
        .invoke('electoral:import-cancel', { previewId: preview.previewId })
        .catch(() => undefined);
  },
  reset: () => set({ step: 'choose', preview: null, error: null, progress: null, record: null }),
}));

// ————— demands —————

export type DemandRow = Demand & { version: number | null; pending: boolean };

interface DemandsStore {
  filter: DemandStatus | null;
  items: DemandRow[];
  loading: boolean;
  error: string | null;
  /** Confirmation shown once on the list after a demand was saved. */
  notice: string | null;
  load(filter?: DemandStatus | null): Promise<void>;
  create(input: CreateDemandInput): Promise<Demand | null>;
  setStatus(id: string, status: DemandStatus): Promise<void>;
}

export const useDemands = create<DemandsStore>((set, get) => ({
  filter: null,
  items: [],
  loading: false,
  error: null,
  notice: null,
  async load(filter = get().filter) {
    set({ loading: true, error: null, filter });
    try {
      set({ items: await api().invoke('electoral:demands', { status: filter }), loading: false });
    } catch (e) {
      set({ loading: false, error: messageOf(e) });
    }
  },
  async create(input) {
    set({ error: null, notice: null });
    try {
      const demand = await api().invoke('electoral:create-demand', input);
      set({ notice: 'Demande enregistrée sur ce poste. Elle sera envoyée au serveur à la prochaine synchronisation.' });
      return demand;
    } catch (e) {
      set({ error: messageOf(e) });
      return null;
    }
  },
  async setStatus(id, status) {
    set({ error: null });
    try {
      await api().invoke('electoral:set-demand-status', { id, status });
      await get().load();
    } catch (e) {
      set({ error: messageOf(e) });
    }
  },
}));
