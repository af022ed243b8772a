import { create } from 'zustand';
import type { BureauInfo, PrintRequest, PrintResult, PollsChannels } from '../../../shared/electoral/polls-ipc.js';
import type { Poll } from '../../../shared/electoral/registers.js';
import { api, messageOf } from '../api/bridge.js';

/** Opens the PDF in a new tab to print it (a download when pop-ups are blocked). */
function openPdf(file: { fileName: string; mime: string; content: Uint8Array }): void {
  const url = URL.createObjectURL(new Blob([file.content as BlobPart], { type: file.mime }));
  if (!window.open(url, '_blank')) {
    const a = Object.assign(document.createElement('a'), { href: url, download: file.fileName });
    document.body.append(a);
    a.click();
    a.remove();
  }
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

type Versioned<T> = T & { version: number | null; pending: boolean };

interface PollsStore {
  polls: Versioned<Poll>[];
  bureaux: BureauInfo[];
  error: string | null;
  notice: string | null;
  busy: boolean;
  progress: { done: number; total: number; pages: number } | null;
  lastPrint: PrintResult | null;
  load(): Promise<void>;
  createPoll(input: PollsChannels['electoral:create-poll']['input']): Promise<Poll | null>;
  setCommission(id: string, date: string): Promise<boolean>;
  print(req: PrintRequest): Promise<PrintResult | null>;
  open(fileName: string): Promise<void>;
  clearMessages(): void;
}

/** Scrutins, bureaux and prints: one store, reset at logout. */
export const usePolls = create<PollsStore>((set, get) => {
  async function attempt<T>(fn: () => Promise<T>, notice?: (v: T) => string): Promise<T | null> {
    set({ busy: true, error: null, notice: null });
    try {
      const v = await fn();
      set({ busy: false, notice: notice ? notice(v) : null });
      return v;
    } catch (e) {
      set({ busy: false, error: messageOf(e), progress: null });
      return null;
    }
  }
  return {
    polls: [],
    bureaux: [],
    error: null,
    notice: null,
    busy: false,
    progress: null,
    lastPrint: null,
    async load() {
      try {
        const [polls, bureaux] = await Promise.all([api().invoke('electoral:polls', null), api().invoke('electoral:bureaux', null)]);
        set({ polls, bureaux });
      } catch (e) {
        set({ error: messageOf(e) });
      }
    },
    async createPoll(input) {
      const poll = await attempt(
        () => api().invoke('electoral:create-poll', input),
        (p) => `Scrutin « ${p.label} » enregistré.`,
      );
      if (poll) await get().load();
      return poll;
    },
    async setCommission(id, date) {
      const poll = await attempt(
        () => api().invoke('electoral:set-commission-date', { id, date }),
        () => 'Date de la commission enregistrée.',
      );
      if (poll) await get().load();
      return !!poll;
    },
    async print(req) {
      set({ progress: { done: 0, total: 0, pages: 0 }, lastPrint: null });
      const off = api().on('electoral:print-progress', (p) => set({ progress: { done: p.done, total: p.total, pages: p.pages } }));
      try {
        const result = await attempt(
          () => api().invoke('electoral:print', req),
          (r) => `Document prêt : ${r.pages} page${r.pages > 1 ? 's' : ''}.`,
        );
        set({ lastPrint: result, progress: null });
        return result;
      } finally {
        off();
      }
    },
    async open(fileName) {
      try {
        openPdf(await api().invoke('electoral:print-file', { fileName }));
      } catch (e) {
        set({ error: messageOf(e) });
      }
    },
    clearMessages: () => set({ error: null, notice: null }),
  };
});

export function resetPolls(): void {
  usePolls.setState({ polls: [], bureaux: [], error: null, notice: null, busy: false, progress: null, lastPrint: null });
}
