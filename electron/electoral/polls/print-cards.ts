/**
 * Cartes électorales (R.23: nom, prénoms, domicile, date de naissance, INE —
 * the nationality for an EU elector —, bureau and where it sits), by paquet,
 * on A4 card stock cut in 2 (210×148 mm) or in 4 (105×148 mm). Which elector
 * already got a card, for which bureau and address, is kept on this PC
 * (`electoral_cards_printed`): the « nouvelles » and « changements » paquets
 * are read from it, and it is written only once the whole file is complete.
 */
import { frenchDay } from '../../../shared/calendar.js';
import type { CardPaquet } from '../../../shared/electoral/polls-ipc.js';
import { LIST_TYPE_LABELS, type Elector } from '../../../shared/electoral/types.js';
import { electorPager } from './elector-pages.js';
import { cell, MM, type PdfPrint } from './pdf-print.js';
import { type PrintContext, shortAddress } from './print-context.js';

export type CardLayout = 'a4x2' | 'a4x4';
const SLOTS: Record<CardLayout, { cols: number; rows: number }> = { a4x2: { cols: 1, rows: 2 }, a4x4: { cols: 2, rows: 2 } };

/** Age in full years on `today` (an unknown day or month counts as the 1st / January). */
export function ageOn(birthDate: string, today: string): number {
  const [y, m, d] = birthDate.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  return ty - y - (tm < (m || 1) || (tm === (m || 1) && td < (d || 1)) ? 1 : 0);
}

export interface CardSelection {
  bureauCode: string | null;
  paquet: CardPaquet;
  /** Electors who came by an inscription demand matched in an extract: not inscribed d'office. */
  inscribedByDemand?: ReadonlySet<string>;
}

/**
 * The estimate of « inscrit d'office » (the extract does not say it, polls-ipc.ts OFFICE_PAQUET_NOTE): a young
 * elector of the main list (18 or 19, the INSEE inscribes them at 18) who did not come by a demand of this commune.
 */
export function estimatedOffice(
  e: Pick<Elector, 'id' | 'listType' | 'birthDate'>,
  today: string,
  inscribedByDemand: ReadonlySet<string>,
): boolean {
  return e.listType === 'LP' && ageOn(e.birthDate, today) <= 19 && !inscribedByDemand.has(e.id);
}

export function cardFilter(
  ctx: PrintContext,
  paquet: CardPaquet,
  inscribedByDemand: ReadonlySet<string> = new Set(),
): (e: Elector) => boolean {
  const printed = ctx.db.prepare<[string], { bureau_code: string; address_key: string }>(
    'SELECT bureau_code, address_key FROM electoral_cards_printed WHERE elector_id = ?',
  );
  switch (paquet) {
    case 'refonte':
      return () => true;
    case 'nouvelles':
      return (e) => !printed.get(e.id);
    case 'office':
      return (e) => !printed.get(e.id) && estimatedOffice(e, ctx.today, inscribedByDemand);
    case 'changements':
      return (e) => {
        const p = printed.get(e.id);
        return !!p && (p.bureau_code !== e.bureau.code || p.address_key !== shortAddress(e.address));
      };
  }
}

/** Counts the cards of a paquet without printing (to refuse an empty print up front). */
export function countCards(ctx: PrintContext, sel: CardSelection): number {
  const keep = cardFilter(ctx, sel.paquet, sel.inscribedByDemand);
  const pager = electorPager(ctx.db, sel.bureauCode, 'alpha', 1000);
  let n = 0;
  for (let page = pager.next(); page.length > 0; page = pager.next()) for (const e of page) if (keep(e)) n++;
  return n;
}

function drawCard(print: PdfPrint, ctx: PrintContext, e: Elector, x: number, y: number, w: number, h: number): void {
  const { doc } = print;
  const pad = 6 * MM;
  const inner = w - 2 * pad;
  const bureau = ctx.bureaux.get(e.bureau.code);
  doc
    .rect(x + 2 * MM, y + 2 * MM, w - 4 * MM, h - 4 * MM)
    .lineWidth(0.5)
    .dash(2, { space: 2 })
    .stroke()
    .undash();
  let cy = y + pad;
  const line = (label: string, value: string, size = 9) => {
    doc.font('Helvetica').fontSize(7).fillColor('#444');
    cell(doc, label, x + pad, cy, inner);
    cy += 3.2 * MM;
    doc.font('Helvetica-Bold').fontSize(size).fillColor('#000');
    cell(doc, value, x + pad, cy, inner);
    cy += size * 0.45 * MM + 2.6 * MM;
  };
  doc.font('Helvetica').fontSize(8).fillColor('#000');
  cell(doc, 'RÉPUBLIQUE FRANÇAISE', x + pad, cy, inner);
  cy += 3.5 * MM;
  doc.font('Helvetica-Bold').fontSize(12);
  cell(doc, 'CARTE ÉLECTORALE', x + pad, cy, inner);
  cy += 6 * MM;
  doc.font('Helvetica').fontSize(8);
  cell(doc, `Commune de ${ctx.commune.name} (${ctx.commune.insee}) — ${LIST_TYPE_LABELS[e.listType]}`, x + pad, cy, inner);
  cy += 5 * MM;
  line('Nom de naissance', e.birthName + (e.usageName && e.usageName !== e.birthName ? ` — nom d’usage : ${e.usageName}` : ''), 11);
  line('Prénoms', e.firstNames || '—');
  line('Date de naissance', frenchDay(e.birthDate));
  line('Domicile', shortAddress(e.address) || '—');
  // R.23: the INE, or the nationality for an elector of a complementary (EU) list.
  if (e.listType === 'LP') line('Identifiant national d’électeur (INE)', e.ine ?? 'non communiqué par l’extrait : voir ELIRE', 11);
  else line('Nationalité', e.nationality ?? '—');
  line('Bureau de vote', `${e.bureau.code}${bureau ? ` — ${bureau.label}` : e.bureau.label ? ` — ${e.bureau.label}` : ''}`);
  line('Lieu du bureau de vote', bureau?.address ?? '—');
  line('Numéro d’ordre', e.numeroOrdre === null ? '—' : String(e.numeroOrdre));
}

export async function printCards(
  print: PdfPrint,
  ctx: PrintContext,
  sel: CardSelection,
  layout: CardLayout,
  total: number,
): Promise<number> {
  const { doc } = print;
  const keep = cardFilter(ctx, sel.paquet, sel.inscribedByDemand);
  const pager = electorPager(ctx.db, sel.bureauCode, 'alpha');
  const { cols, rows } = SLOTS[layout];
  const stage = ctx.db.prepare('INSERT OR REPLACE INTO temp.cards_batch (elector_id, bureau_code, address_key) VALUES (?, ?, ?)');
  let slot = cols * rows;
  let done = 0;
  for (let page = pager.next(); page.length > 0; page = pager.next()) {
    ctx.db.transaction(() => {
      for (const e of page) {
        if (!keep(e)) continue;
        if (slot === cols * rows) {
          doc.addPage({ size: 'A4', margin: 0 });
          slot = 0;
        }
        const w = doc.page.width / cols;
        const h = doc.page.height / rows;
        drawCard(print, ctx, e, (slot % cols) * w, Math.floor(slot / cols) * h, w, h);
        stage.run(e.id, e.bureau.code, shortAddress(e.address));
        slot++;
        done++;
      }
    })();
    ctx.progress('cartes', done, total, print.pages());
    await print.breathe();
  }
  return done;
}

export const CARDS_BATCH_SQL =
  'CREATE TEMP TABLE IF NOT EXISTS cards_batch (elector_id TEXT PRIMARY KEY, bureau_code TEXT NOT NULL, address_key TEXT NOT NULL); DELETE FROM temp.cards_batch;';

/** Once the file is complete: the printed cards become the reference of the next paquets. */
export function commitPrintedCards(ctx: PrintContext): void {
  ctx.db
    .prepare(
      `INSERT OR REPLACE INTO electoral_cards_printed (elector_id, bureau_code, address_key, printed_at)
       SELECT elector_id, bureau_code, address_key, ? FROM temp.cards_batch`,
    )
    .run(ctx.today);
  ctx.db.exec('DELETE FROM temp.cards_batch');
}
