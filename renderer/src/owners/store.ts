import { create } from 'zustand';
import type { JournalEntry } from '../../../shared/owners/types.js';
import type {
  ByParcelResult,
  CommunicationUsage,
  CompteView,
  OwnerHit,
  OwnersFile,
  OwnersSearchResult,
  OwnersState,
  ReleveMode,
} from '../../../shared/owners/ipc.js';
import type { RequesterKind } from '../../../shared/owners/types.js';
import { journalCsv } from '../../../shared/owners/journal-csv.js';
import { api, messageOf } from '../api/bridge.js';

/**
 * The owners (MAJIC) screens' state. Personal data: everything here is
 * forgotten at logout (`resetOwners`), and answers still on their way when
 * the session ends are dropped (the generation counter).
 */
interface OwnersStore {
  state: OwnersState | null;
  query: string;
  result: OwnersSearchResult | null;
  /** First shown row of the result (the list is paged). */
  offset: number;
  compte: CompteView | null;
  byParcel: ByParcelResult | null;
  journal: JournalEntry[];
  journalMore: boolean;
  error: string | null;
  busy: boolean;
  loadState(): Promise<void>;
  search(q: string): Promise<void>;
  page(offset: number): void;
  openCompte(id: string): Promise<void>;
  openParcel(parcel: string): Promise<void>;
  loadJournal(more?: boolean): Promise<void>;
}

export const PAGE_SIZE = 25;
let searchSeq = 0;
/** Bumped at logout: an answer that arrives after it belongs to the previous session. */
let generation = 0;

const EMPTY = {
  state: null,
  query: '',
  result: null,
  offset: 0,
  compte: null,
  byParcel: null,
  journal: [],
  journalMore: false,
  error: null,
  busy: false,
};

export const useOwners = create<OwnersStore>((set, get) => {
  /** Runs a call; its answer is applied only if the session is still the one that asked. */
  async function run<T>(call: () => Promise<T>, apply: (v: T) => Partial<OwnersStore>): Promise<boolean> {
    const gen = generation;
    set({ busy: true, error: null });
    try {
      const value = await call();
      if (gen === generation) set({ ...apply(value), busy: false });
      return true;
    } catch (e) {
      if (gen === generation) set({ error: messageOf(e), busy: false });
      return false;
    }
  }
  return {
    ...EMPTY,
    loadState: async () =>
      void (await run(
        () => api().invoke('owners:state', null),
        (state) => ({ state }),
      )),
    async search(q) {
      const seq = ++searchSeq;
      const gen = generation;
      set({ query: q, offset: 0 });
      if (q.trim().length < 2) {
        set({ result: null, error: null });
        return;
      }
      try {
        const result = await api().invoke('owners:search', { q, limit: 200 });
        // Search as you type: only the answer to the latest keystroke is shown.
        if (seq === searchSeq && gen === generation) set({ result, error: null });
      } catch (e) {
        if (seq === searchSeq && gen === generation) set({ error: messageOf(e) });
      }
    },
    page: (offset) => set({ offset }),
    openCompte: async (id) => {
      if (get().compte?.id !== id) set({ compte: null });
      await run(
        () => api().invoke('owners:compte', { id }),
        (compte) => ({ compte }),
      );
    },
    openParcel: async (parcel) => {
      set({ byParcel: null });
      await run(
        () => api().invoke('owners:by-parcel', { parcel }),
        (byParcel) => ({ byParcel }),
      );
    },
    loadJournal: async (more = false) => {
      const before = more ? get().journal.at(-1)?.at : undefined;
      await run(
        () => api().invoke('owners:journal', before ? { limit: 100, before } : { limit: 100 }),
        (page) => ({ journal: more ? [...get().journal, ...page.entries] : page.entries, journalMore: page.more }),
      );
    },
  };
});

export function resetOwners(): void {
  generation++;
  searchSeq++;
  useOwners.setState({ ...EMPTY });
}

/** The hits of the page shown. */
export function pageOf(hits: readonly OwnerHit[], offset: number): OwnerHit[] {
  return hits.slice(offset, offset + PAGE_SIZE);
}

export interface ReleveRequest {
  compteId: string;
  mode: ReleveMode;
  purpose: string;
  requester?: { name: string; kind: RequesterKind; ownerDnuper?: string | null };
}

/** Prints a relevé de propriété; the hub's refusal (5 a week, 10 a month) comes back as the thrown GuichetError's message. */
export async function printReleve(input: ReleveRequest): Promise<void> {
  download(await api().invoke('owners:releve', input));
}

export function communicationUsage(requesterName: string): Promise<CommunicationUsage> {
  return api().invoke('owners:communication-usage', { requesterName });
}

export function download(file: OwnersFile): void {
  const url = URL.createObjectURL(new Blob([file.content as BlobPart], { type: file.mime }));
  const a = Object.assign(document.createElement('a'), { href: url, download: file.fileName });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * The journal as a CSV file (`;`, UTF-8), the same lines as the hub's
 * `GET /api/v1/owners/journal.csv` (one function, shared/owners/journal-csv.ts),
 * from the log synced on this PC — the channel contract has no CSV channel.
 */
export async function downloadJournalCsv(): Promise<void> {
  const gen = generation;
  useOwners.setState({ busy: true, error: null });
  try {
    const entries: JournalEntry[] = [];
    for (let before: string | undefined; ; ) {
      const page = await api().invoke('owners:journal', before ? { limit: 1000, before } : { limit: 1000 });
      entries.push(...page.entries);
      before = page.entries.at(-1)?.at;
      if (!page.more || !before) break;
    }
    entries.sort((a, b) => a.at.localeCompare(b.at));
    const content = new TextEncoder().encode(journalCsv(entries));
    download({ fileName: `journal-proprietaires-${new Date().toISOString().slice(0, 10)}.csv`, mime: 'text/csv;charset=utf-8', content });
    if (gen === generation) useOwners.setState({ busy: false });
  } catch (e) {
    if (gen === generation) useOwners.setState({ busy: false, error: messageOf(e) });
  }
}
