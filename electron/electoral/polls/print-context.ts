/** What every print reads: the database, where files go, the commune's name, and how progress is told. */
import type Database from 'better-sqlite3';
import { frenchDay } from '../../../shared/calendar.js';
import type { PrintKind } from '../../../shared/electoral/polls-ipc.js';
import type { Bureau, Poll, Procuration } from '../../../shared/electoral/registers.js';
import type { Elector } from '../../../shared/electoral/types.js';
import { MM, type PdfPrint } from './pdf-print.js';

export interface PrintContext {
  db: Database.Database;
  dataDir: string;
  commune: { name: string; insee: string };
  /** AAAA-MM-JJ in Paris, printed on the documents. */
  today: string;
  bureaux: Map<string, Bureau>;
  progress(kind: PrintKind, done: number, total: number, pages: number): void;
}

/** NOM (nom d'usage) Prénoms, as the lists write an elector. */
export function electorName(e: Pick<Elector, 'birthName' | 'usageName' | 'firstNames'>): string {
  const usage = e.usageName && e.usageName !== e.birthName ? ` (${e.usageName})` : '';
  return `${e.birthName}${usage} ${e.firstNames}`.trim();
}

export function shortAddress(a: Elector['address']): string {
  const street = [a.number, a.street].filter(Boolean).join(' ');
  return [street, a.complement1, a.lieuDit, [a.postalCode, a.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
}

export const pollTitle = (p: Poll) => `${p.label} du ${frenchDay(p.date)}`;

/** The procurations of a bureau valid on `day`, keyed by the mandant's elector id and INE. */
export function procurationsByMandant(list: readonly Procuration[], day: string): Map<string, Procuration> {
  const m = new Map<string, Procuration>();
  for (const p of list) {
    if (p.validFrom > day || p.validTo < day) continue;
    if (p.mandant.electorId) m.set(`id:${p.mandant.electorId}`, p);
    if (p.mandant.ine) m.set(`ine:${p.mandant.ine}`, p);
  }
  return m;
}

export const procurationOf = (m: Map<string, Procuration>, e: Elector) =>
  m.get(`id:${e.id}`) ?? (e.ine ? m.get(`ine:${e.ine}`) : undefined);

/** Page header of the lists: commune, title, subtitle, page number. */
export function listHeader(print: PdfPrint, ctx: PrintContext, title: string, subtitle: string): number {
  const { doc } = print;
  const x = doc.page.margins.left;
  const width = doc.page.width - x - doc.page.margins.right;
  doc.font('Helvetica-Bold').fontSize(12).text(title, x, doc.page.margins.top, { width });
  doc.font('Helvetica').fontSize(9).text(`Commune de ${ctx.commune.name} (${ctx.commune.insee}) — ${subtitle}`, x, doc.y, { width });
  const below = doc.y + 3 * MM;
  doc.text(`Page ${print.pages()}`, x, doc.page.margins.top, { width, align: 'right' });
  doc.y = below;
  return below;
}
