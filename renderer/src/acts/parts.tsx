import type { FileContent } from '../../../shared/acts/ipc.js';
import { NATURES_ACTE } from '../../../shared/acts/natures.js';
import { ACT_STATES, type ActState } from '../../../shared/acts/records.js';
import { frenchDay } from '../../../shared/calendar.js';
import './acts.css';

/** Colour family of each state: the words carry the meaning, the colour only helps (RGAA 3.1). */
const TONE: Record<ActState, 'grey' | 'blue' | 'orange' | 'green' | 'red'> = {
  brouillon: 'grey',
  signe: 'blue',
  poste: 'orange',
  en_attente: 'orange',
  transmis: 'blue',
  acquitte: 'green',
  erreur: 'red',
  annulation_demandee: 'orange',
  annule: 'grey',
};

export function StateBadge({ state }: { state: ActState }) {
  return <span className={`state state-${TONE[state]}`}>{ACT_STATES[state].label}</span>;
}

/** Changes kept on this PC; not shown beside « En attente d'envoi » (the state already says it). */
export function PendingBadge() {
  return <span className="badge badge-pending">en attente d'envoi</span>;
}

export function natureLabel(code: number): string {
  return NATURES_ACTE.find((n) => n.code === code)?.libelle ?? `Nature ${code}`;
}

/** AAAA-MM-JJ → JJ/MM/AAAA. */
export function formatDay(iso: string | null | undefined): string {
  return iso ? frenchDay(iso) : '—';
}

/** Sizes as a secretary reads them: "1,2 Mo", "350 ko". */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024).toLocaleString('fr-FR')} ko`;
  return `${bytes} octets`;
}

/**
 * Hand bytes to the browser as a download (web host and Electron alike): a Blob
 * URL, revoked once the click has been handled.
 */
export function saveFile(file: FileContent): void {
  const blob = new Blob([file.content as BlobPart], { type: file.mime });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Open a PDF in a new tab so it can be printed; falls back to a download when pop-ups are blocked. */
export function printFile(file: FileContent): void {
  const blob = new Blob([file.content as BlobPart], { type: file.mime });
  const url = URL.createObjectURL(blob);
  const w = window.open(url, '_blank');
  if (!w) saveFile(file);
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
