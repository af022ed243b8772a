/**
 * Printable documents made on the PC from the hub's status: the acknowledgement
 * ("bordereau d'acquittement") and the stamped copy of the act. Both are new
 * PDFs made with pdf-lib; the signed original is never modified.
 */
import { PDFDocument, StandardFonts, rgb, type PDFFont } from 'pdf-lib';
import { natureByCode, type CodeNatureActe } from '../../shared/acts/natures.js';
import type { CommuneInfo } from '../../shared/accounts/types.js';
import type { ActRecord, ActStatusRecord } from '../../shared/acts/records.js';
import { frenchDay } from '../../shared/calendar.js';

const CP1252_EXTRA = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';

/** The standard fonts encode WinAnsi only: anything else would make pdf-lib throw. */
export function winAnsi(text: string): string {
  return [...text.replace(/[\u202f\u00a0]/g, ' ')]
    .map((c) => ((c >= ' ' && c <= '~') || (c >= '\u00a1' && c <= '\u00ff') || CP1252_EXTRA.includes(c) ? c : '?'))
    .join('');
}

function frenchDateTime(iso: string): string {
  return new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(next, size) > width && line) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

export async function makeBordereau(
  act: ActRecord,
  status: ActStatusRecord,
  commune: Pick<CommuneInfo, 'name' | 'insee' | 'siren'> | null,
  printedAt: Date,
): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(winAnsi(`Accusé de réception — ${status.idActe ?? act.draft.numeroInterne}`));
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  let page = doc.addPage([595, 842]);
  let y = 790;
  const line = (text: string, opts: { size?: number; f?: PDFFont; indent?: number } = {}) => {
    const size = opts.size ?? 11;
    const f = opts.f ?? font;
    for (const l of wrap(winAnsi(text), f, size, 495 - (opts.indent ?? 0))) {
      if (y < 60) {
        page = doc.addPage([595, 842]);
        y = 790;
      }
      page.drawText(l, { x: 50 + (opts.indent ?? 0), y, size, font: f });
      y -= size + 5;
    }
  };
  line("Accusé de réception d'un acte transmis au contrôle de légalité", { size: 15, f: bold });
  y -= 8;
  if (commune)
    line(
      commune.insee !== null ? `Commune : ${commune.name} (${commune.insee})` : `Collectivité : ${commune.name} (SIREN ${commune.siren})`,
    );
  line(`Numéro de l'acte : ${act.draft.numeroInterne}`);
  line(`Objet : ${act.draft.objet}`);
  line(`Nature : ${natureByCode(act.draft.codeNatureActe as CodeNatureActe).libelle}`);
  line(`Classification : ${act.draft.matieres.join('.')}`);
  line(`Date de décision : ${frenchDay(act.draft.decisionDate)}`);
  y -= 6;
  line(`Identifiant de l'acte (IDActe) : ${status.idActe ?? ''}`, { f: bold });
  line(`Date de réception en préfecture : ${status.dateReception ? frenchDay(status.dateReception) : ''}`, { f: bold });
  if (act.signature) line(`Signé électroniquement par ${act.signature.signerName}`);
  y -= 10;
  line('Historique', { size: 13, f: bold });
  for (const t of status.timeline) line(`${frenchDateTime(t.at)} — ${t.label}${t.detail ? ` (${t.detail})` : ''}`, { indent: 10 });
  y -= 10;
  line(`Document édité le ${frenchDateTime(printedAt.toISOString())} à partir de l'accusé de réception de la préfecture.`, { size: 9 });
  return doc.save();
}

/** A copy of the act with "Reçu en préfecture le … — IDActe …" on each page. */
export async function makeStampedCopy(actPdf: Uint8Array, status: ActStatusRecord): Promise<Uint8Array> {
  const doc = await PDFDocument.load(actPdf, { updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.HelveticaBold);
  const stamp = winAnsi(`Reçu en préfecture le ${frenchDay(status.dateReception ?? '')} — IDActe ${status.idActe ?? ''}`);
  const size = 9;
  const width = font.widthOfTextAtSize(stamp, size);
  for (const page of doc.getPages()) {
    const { width: pw, height: ph } = page.getSize();
    const x = Math.max(10, pw - width - 20);
    page.drawRectangle({
      x: x - 4,
      y: ph - 26,
      width: width + 8,
      height: size + 8,
      borderColor: rgb(0.1, 0.2, 0.6),
      borderWidth: 1,
      color: rgb(1, 1, 1),
    });
    page.drawText(stamp, { x, y: ph - 21, size, font, color: rgb(0.1, 0.2, 0.6) });
  }
  return doc.save();
}
