import type { JournalEntry } from './types.js';

const cell = (v: string) => (/[;"\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * The log as the mayor exports it: one line per consultation or communication,
 * `;`-separated UTF-8 with a BOM (what a spreadsheet opens in French). One
 * home for the hub's `GET /api/v1/owners/journal.csv` and the PC's export of
 * the synced log.
 */
export function journalCsv(entries: readonly JournalEntry[]): string {
  const rows = [['date', 'agent', 'nature', 'compte communal', 'parcelles', 'pour qui', 'motif']];
  for (const e of entries) rows.push([e.at, e.userName, e.kind, e.compteId, e.parcels.join(' '), e.forWhom, e.purpose]);
  return `\uFEFF${rows.map((r) => r.map(cell).join(';')).join('\r\n')}\r\n`;
}
