/**
 * Statistics by bureau, sex and age (the screen draws the same figures as
 * SVG), and the address labels for the candidates' mailings (A4 sheets of
 * 2×7 labels, 105×42.4 mm, the common « propagande » stock).
 */
import { frenchDay } from '../../../shared/calendar.js';
import type { ElectoralStats } from '../../../shared/electoral/polls-ipc.js';
import { ageOn } from './print-cards.js';
import { electorPager } from './elector-pages.js';
import { A4, cell, MM, type PdfPrint } from './pdf-print.js';
import { electorName, listHeader, type PrintContext } from './print-context.js';

export const AGE_BANDS = ['18–24', '25–34', '35–49', '50–64', '65–79', '80 et +'];
const BAND_LIMITS = [25, 35, 50, 65, 80];

/** One pass over the list, a page at a time. */
export async function computeStats(ctx: Pick<PrintContext, 'db' | 'today'>, breathe: () => Promise<void>): Promise<ElectoralStats> {
  const pager = electorPager(ctx.db, null, 'alpha', 1000);
  const byBureau = new Map<string, ElectoralStats['byBureau'][number]>();
  for (let page = pager.next(); page.length > 0; page = pager.next()) {
    for (const e of page) {
      let b = byBureau.get(e.bureau.code);
      if (!b) {
        b = { code: e.bureau.code, label: e.bureau.label, total: 0, men: 0, women: 0, ages: AGE_BANDS.map(() => 0) };
        byBureau.set(e.bureau.code, b);
      }
      b.total++;
      if (e.sex === 'M') b.men++;
      else if (e.sex === 'F') b.women++;
      const age = ageOn(e.birthDate, ctx.today);
      const band = BAND_LIMITS.findIndex((limit) => age < limit);
      b.ages[band === -1 ? AGE_BANDS.length - 1 : band]++;
    }
    await breathe();
  }
  const list = [...byBureau.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
  return { total: list.reduce((n, b) => n + b.total, 0), byBureau: list, ageBands: AGE_BANDS };
}

export function printStats(print: PdfPrint, ctx: PrintContext, stats: ElectoralStats): void {
  const { doc } = print;
  doc.addPage();
  let y = listHeader(print, ctx, 'Statistiques de la liste électorale', `au ${frenchDay(ctx.today)} — ${stats.total} électeurs`);
  const left = doc.page.margins.left;
  const cols: [string, number][] = [
    ['Bureau', 40 * MM],
    ['Total', 18 * MM],
    ['Hommes', 18 * MM],
    ['Femmes', 18 * MM],
    ...AGE_BANDS.map((b) => [b, 14 * MM] as [string, number]),
  ];
  const row = (values: string[], bold = false) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8);
    let x = left;
    values.forEach((v, i) => {
      cell(doc, v, x, y, cols[i][1] - 2);
      x += cols[i][1];
    });
    y += 5 * MM;
  };
  row(
    cols.map((c) => c[0]),
    true,
  );
  for (const b of stats.byBureau)
    row([`${b.code}${b.label ? ` ${b.label}` : ''}`, String(b.total), String(b.men), String(b.women), ...b.ages.map(String)]);
  // Chart: one bar per bureau, women and men stacked, scaled to the largest bureau.
  y += 8 * MM;
  doc.font('Helvetica-Bold').fontSize(10).text('Électeurs par bureau et par sexe', left, y);
  y += 7 * MM;
  const max = Math.max(1, ...stats.byBureau.map((b) => b.total));
  const barMax = 120 * MM;
  for (const b of stats.byBureau) {
    if (y + 8 * MM > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      y = listHeader(print, ctx, 'Statistiques de la liste électorale (suite)', '');
    }
    const wW = (b.women / max) * barMax;
    const wM = (b.men / max) * barMax;
    doc.font('Helvetica').fontSize(8).fillColor('#000');
    cell(doc, b.code, left, y + 1, 14 * MM);
    doc.rect(left + 16 * MM, y, wW, 5 * MM).fill('#8e3b8e');
    doc.rect(left + 16 * MM + wW, y, wM, 5 * MM).fill('#2a6f97');
    doc.fillColor('#000');
    cell(doc, `${b.women} F / ${b.men} H`, left + 18 * MM + wW + wM, y + 1, 40 * MM);
    y += 7 * MM;
  }
  doc.fillColor('#000');
}

const LABEL = { cols: 2, rows: 7, w: 105 * MM, h: 42.4 * MM, pad: 6 * MM };

export async function printLabels(print: PdfPrint, ctx: PrintContext, bureauCode: string | null): Promise<number> {
  const { doc } = print;
  const pager = electorPager(ctx.db, bureauCode, 'alpha');
  const top = A4.height / 2 - (LABEL.rows * LABEL.h) / 2;
  let slot = LABEL.cols * LABEL.rows;
  let done = 0;
  for (let page = pager.next(); page.length > 0; page = pager.next()) {
    for (const e of page) {
      if (slot === LABEL.cols * LABEL.rows) {
        doc.addPage({ size: 'A4', margin: 0 });
        slot = 0;
      }
      const x = (slot % LABEL.cols) * LABEL.w + LABEL.pad;
      let y = Math.max(0, top) + Math.floor(slot / LABEL.cols) * LABEL.h + LABEL.pad;
      const a = e.address;
      const lines = [
        electorName({ ...e, usageName: e.usageName ?? null }),
        [a.number, a.street].filter(Boolean).join(' '),
        a.complement1,
        a.lieuDit,
        [a.postalCode, a.city].filter(Boolean).join(' '),
      ].filter((l): l is string => !!l);
      doc.font('Helvetica').fontSize(9);
      for (const l of lines) {
        cell(doc, l, x, y, LABEL.w - 2 * LABEL.pad);
        y += 4.2 * MM;
      }
      slot++;
      done++;
    }
    ctx.progress('etiquettes', done, pager.total, print.pages());
    await print.breathe();
  }
  return done;
}
