/**
 * The short prints: the tableau des inscriptions et radiations, the
 * commission de contrôle's file (convocation, movements since the last
 * meeting, PV) and the register of procurations of a bureau. Movements are the
 * mairie's decisions on demands (the REU's d'office movements come with the
 * next extract's diff).
 */
import { frenchDay } from '../../../shared/calendar.js';
import { addDays } from '../../../shared/electoral/poll-calendar.js';
import type { Poll, Procuration } from '../../../shared/electoral/registers.js';
import { DEMAND_KIND_LABELS, type Demand } from '../../../shared/electoral/types.js';
import { A4, cell, MM, type PdfPrint } from './pdf-print.js';
import { listHeader, type PrintContext, pollTitle } from './print-context.js';

const demandName = (d: Demand) =>
  `${d.applicant.birthName}${d.applicant.usageName ? ` (${d.applicant.usageName})` : ''} ${d.applicant.firstNames}`;

/** Decided inscriptions and radiations in [from, to] (days of deposit, AAAA-MM-JJ). */
export function movementsBetween(demands: readonly Demand[], from: string | null, to: string): Demand[] {
  return demands
    .filter((d) => (d.kind === 'inscription' || d.kind === 'radiation') && d.status === 'acceptee')
    .filter((d) => (!from || d.createdAtLocal.slice(0, 10) > from) && d.createdAtLocal.slice(0, 10) <= to)
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.applicant.birthName.localeCompare(b.applicant.birthName, 'fr'));
}

/** A simple table, paged; `head` redraws the page header. */
async function table(print: PdfPrint, head: () => number, cols: [string, number][], rows: string[][], startY?: number): Promise<void> {
  const { doc } = print;
  const left = doc.page.margins.left;
  const bottom = doc.page.height - doc.page.margins.bottom;
  let y = startY ?? head();
  const header = () => {
    doc.font('Helvetica-Bold').fontSize(8);
    let x = left;
    for (const [label, w] of cols) {
      cell(doc, label, x, y, w - 2);
      x += w;
    }
    y += 5 * MM;
  };
  header();
  doc.font('Helvetica').fontSize(8);
  for (const [i, row] of rows.entries()) {
    if (y + 6 * MM > bottom) {
      doc.addPage();
      y = head();
      header();
      doc.font('Helvetica').fontSize(8);
    }
    let x = left;
    row.forEach((v, c) => {
      cell(doc, v, x, y, cols[c][1] - 2);
      x += cols[c][1];
    });
    y += 5.5 * MM;
    if (i % 200 === 199) await print.breathe();
  }
  doc.y = y;
}

const MOVEMENT_COLS: [string, number][] = [
  ['Mouvement', 30 * MM],
  ['Nom, prénoms', 80 * MM],
  ['Né(e) le', 25 * MM],
  ['Déposée le', 25 * MM],
];
const movementRow = (d: Demand) => [
  DEMAND_KIND_LABELS[d.kind],
  demandName(d),
  frenchDay(d.applicant.birthDate),
  frenchDay(d.createdAtLocal.slice(0, 10)),
];

export async function printTableau(print: PdfPrint, ctx: PrintContext, poll: Poll, movements: Demand[]): Promise<number> {
  const { doc } = print;
  const head = () =>
    listHeader(print, ctx, `Tableau des inscriptions et radiations — ${pollTitle(poll)}`, `publié le ${frenchDay(ctx.today)}`);
  doc.addPage();
  let y = head();
  for (const kind of ['inscription', 'radiation'] as const) {
    const part = movements.filter((d) => d.kind === kind);
    doc
      .font('Helvetica-Bold')
      .fontSize(10)
      .text(kind === 'inscription' ? 'I. Inscriptions' : 'II. Radiations', doc.page.margins.left, y + 2 * MM);
    await table(print, head, MOVEMENT_COLS, part.map(movementRow), doc.y + 2 * MM);
    y = doc.y + 4 * MM;
  }
  doc
    .font('Helvetica')
    .fontSize(9)
    .text(
      `Tenu à la disposition des électeurs pendant 7 jours (L.20, R.13), jusqu’au ${frenchDay(addDays(ctx.today, 7))}.`,
      doc.page.margins.left,
      y + 4 * MM,
    );
  return movements.length;
}

export async function printCommission(print: PdfPrint, ctx: PrintContext, poll: Poll, movements: Demand[]): Promise<number> {
  const { doc } = print;
  const left = 12 * MM;
  const width = A4.width - 2 * left;
  const meeting = poll.commissionDate ? frenchDay(poll.commissionDate) : '____/____/________';
  // 1. Convocation.
  doc.addPage();
  listHeader(print, ctx, 'Convocation de la commission de contrôle', pollTitle(poll));
  doc.font('Helvetica').fontSize(11).moveDown(2);
  doc.text(
    `Madame, Monsieur,\n\nEn application de l’article L.19 du code électoral, la commission de contrôle des listes électorales de la commune de ${ctx.commune.name} est convoquée le ${meeting} à la mairie, en vue du scrutin « ${pollTitle(poll)} ».\n\nOrdre du jour : examen des inscriptions et radiations intervenues depuis la dernière réunion (${movements.length} mouvement${movements.length > 1 ? 's' : ''}), recours administratifs préalables éventuels.\n\nFait à ${ctx.commune.name}, le ${frenchDay(ctx.today)}.\n\nLe maire`,
    left,
    doc.y,
    { width },
  );
  // 2. Movements since the last meeting.
  doc.addPage();
  const head = () => listHeader(print, ctx, 'Mouvements depuis la dernière réunion de la commission', pollTitle(poll));
  await table(print, head, MOVEMENT_COLS, movements.map(movementRow));
  if (movements.length === 0)
    doc
      .font('Helvetica')
      .fontSize(10)
      .text('Aucun mouvement depuis la dernière réunion.', left, doc.y + 4 * MM);
  // 3. PV.
  doc.addPage();
  listHeader(print, ctx, 'Procès-verbal de la commission de contrôle', pollTitle(poll));
  doc.font('Helvetica').fontSize(11).moveDown(2);
  const ins = movements.filter((d) => d.kind === 'inscription').length;
  doc.text(
    `Le ${meeting}, la commission de contrôle s’est réunie à la mairie de ${ctx.commune.name}.\n\nMembres présents :\n\n\n\nLa commission a examiné ${ins} inscription${ins > 1 ? 's' : ''} et ${movements.length - ins} radiation${movements.length - ins > 1 ? 's' : ''} décidées par le maire depuis sa dernière réunion.\n\nDécisions de la commission (réformations, inscriptions ou radiations) :\n\n\n\n\nLe tableau des inscriptions et radiations sera publié au plus tard le ${frenchDay(addDays(poll.date, -20))}.\n\nSignatures des membres :`,
    left,
    doc.y,
    { width },
  );
  return movements.length;
}

export async function printProcurations(print: PdfPrint, ctx: PrintContext, bureauCode: string, list: Procuration[]): Promise<number> {
  const head = () => listHeader(print, ctx, `Registre des procurations — bureau ${bureauCode}`, `édité le ${frenchDay(ctx.today)}`);
  print.doc.addPage();
  await table(
    print,
    head,
    [
      ['Mandant', 50 * MM],
      ['INE', 20 * MM],
      ['Mandataire', 50 * MM],
      ['Du', 20 * MM],
      ['Au', 20 * MM],
      ['Saisie REU', 20 * MM],
    ],
    list.map((p) => [
      p.mandant.name,
      p.mandant.ine ?? '—',
      p.mandataire.name,
      frenchDay(p.validFrom),
      frenchDay(p.validTo),
      p.keyedIntoReu ? 'oui' : 'À SAISIR',
    ]),
  );
  return list.length;
}
