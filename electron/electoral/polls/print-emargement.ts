/**
 * Liste d'émargement of one bureau (R.71 copy of the list certified by the
 * maire): numéro d'ordre, name, birth date, address, mentions (procurations
 * valid on the poll day), one signature box per round.
 */
import { frenchDay } from '../../../shared/calendar.js';
import type { Poll, Procuration } from '../../../shared/electoral/registers.js';
import { electorPager, type PrintOrder } from './elector-pages.js';
import { A4, cell, MM, type PdfPrint } from './pdf-print.js';
import {
  electorName,
  listHeader,
  type PrintContext,
  pollTitle,
  procurationOf,
  procurationsByMandant,
  shortAddress,
} from './print-context.js';

const ROW = 11 * MM;
const COLS = { num: 11 * MM, name: 54 * MM, birth: 19 * MM, address: 0, mention: 30 * MM, sign: 20 * MM };

export async function printEmargement(
  print: PdfPrint,
  ctx: PrintContext,
  poll: Poll,
  bureauCode: string,
  order: PrintOrder,
  procurations: readonly Procuration[],
): Promise<number> {
  const { doc } = print;
  const pager = electorPager(ctx.db, bureauCode, order);
  const mandants = procurationsByMandant(procurations, poll.date);
  const bureau = ctx.bureaux.get(bureauCode);
  const subtitle = `Bureau ${bureauCode}${bureau ? ` — ${bureau.label}` : ''} — ${order === 'alpha' ? 'ordre alphabétique' : 'ordre des numéros'}`;
  const left = 12 * MM;
  const width = A4.width - 24 * MM;
  const addressWidth = width - COLS.num - COLS.name - COLS.birth - COLS.mention - 2 * COLS.sign;
  const bottom = A4.height - 18 * MM;
  let y = bottom;
  let done = 0;

  const newPage = () => {
    doc.addPage();
    y = listHeader(print, ctx, `Liste d’émargement — ${pollTitle(poll)}`, subtitle);
    doc.font('Helvetica-Bold').fontSize(7.5);
    let x = left;
    for (const [label, w] of [
      ['N°', COLS.num],
      ['Nom, prénoms', COLS.name],
      ['Né(e) le', COLS.birth],
      ['Adresse', addressWidth],
      ['Mentions', COLS.mention],
      ['1er tour', COLS.sign],
      ['2d tour', COLS.sign],
    ] as const) {
      cell(doc, label, x + 1, y, w - 2);
      x += w;
    }
    y += 5 * MM;
  };

  for (let page = pager.next(); page.length > 0; page = pager.next()) {
    for (const e of page) {
      if (y + ROW > bottom) newPage();
      const p = procurationOf(mandants, e);
      doc.font('Helvetica').fontSize(8);
      let x = left;
      cell(doc, e.numeroOrdre === null ? '—' : String(e.numeroOrdre), x + 1, y + 2, COLS.num - 2);
      x += COLS.num;
      doc.font('Helvetica-Bold');
      cell(doc, electorName(e), x + 1, y + 2, COLS.name - 2);
      doc.font('Helvetica');
      x += COLS.name;
      cell(doc, frenchDay(e.birthDate), x + 1, y + 2, COLS.birth - 2);
      x += COLS.birth;
      cell(doc, shortAddress(e.address), x + 1, y + 2, addressWidth - 2);
      x += addressWidth;
      doc.fontSize(7);
      if (p) {
        // Two lines: the mandataire's full name is what the bureau checks.
        cell(doc, 'Procuration à', x + 1, y + 2, COLS.mention - 2);
        cell(doc, p.mandataire.name, x + 1, y + 5.5 * MM, COLS.mention - 2);
      }
      doc.rect(left, y, width, ROW).lineWidth(0.4).stroke();
      doc.rect(left + width - 2 * COLS.sign, y, COLS.sign, ROW).stroke();
      y += ROW;
      done++;
    }
    ctx.progress('emargement', done, pager.total, print.pages());
    await print.breathe();
  }
  if (y + 22 * MM > bottom) newPage();
  doc.font('Helvetica').fontSize(9);
  doc.text(
    `Liste arrêtée à ${done} électeur${done > 1 ? 's' : ''}. Certifiée conforme par le maire, le ${frenchDay(ctx.today)}.`,
    left,
    y + 6 * MM,
    { width },
  );
  doc.text('Signature du maire :', left, doc.y + 2 * MM);
  return done;
}
