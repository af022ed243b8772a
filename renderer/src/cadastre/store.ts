import { create } from 'zustand';
import type { CadastreFile, CadastreOverview, ParcelFiche, ParcelHit } from '../../../shared/cadastre/ipc.js';
import { api, messageOf } from '../api/bridge.js';

interface CadastreStore {
  overview: CadastreOverview | null;
  query: string;
  hits: ParcelHit[];
  fiche: ParcelFiche | null;
  error: string | null;
  busy: boolean;
  loadOverview(): Promise<void>;
  search(q: string): Promise<void>;
  open(id: string): Promise<void>;
  print(kind: 'releve-pdf' | 'extract-pdf'): Promise<void>;
}

let searchSeq = 0;

export const useCadastre = create<CadastreStore>((set, get) => ({
  overview: null,
  query: '',
  hits: [],
  fiche: null,
  error: null,
  busy: false,
  async loadOverview() {
    try {
      set({ overview: await api().invoke('cadastre:overview', null), error: null });
    } catch (e) {
      set({ error: messageOf(e) });
    }
  },
  async search(q) {
    const seq = ++searchSeq;
    set({ query: q });
    try {
      const hits = q.trim() === '' ? [] : await api().invoke('cadastre:search', { q, limit: 30 });
      // Search as you type: only the answer to the latest keystroke is shown.
      if (seq === searchSeq) set({ hits, error: null });
    } catch (e) {
      if (seq === searchSeq) set({ error: messageOf(e) });
    }
  },
  async open(id) {
    try {
      set({ fiche: await api().invoke('cadastre:parcel', { id }), error: null });
    } catch (e) {
      set({ error: messageOf(e) });
    }
  },
  async print(kind) {
    const fiche = get().fiche;
    if (!fiche) return;
    set({ busy: true });
    try {
      download(await api().invoke(`cadastre:${kind}`, { id: fiche.parcel.id }));
      set({ error: null });
    } catch (e) {
      set({ error: messageOf(e) });
    } finally {
      set({ busy: false });
    }
  },
}));

function download(file: CadastreFile): void {
  const url = URL.createObjectURL(new Blob([file.content as BlobPart], { type: file.mime }));
  const a = Object.assign(document.createElement('a'), { href: url, download: file.fileName });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
