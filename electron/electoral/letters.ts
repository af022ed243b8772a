/**
 * The maire's letters on a demand, as PDF ready to print (A4, pdfkit's
 * standard Helvetica: every French character is in its WinAnsi encoding),
 * and as an e-mail (.eml, RFC 5322 with the PDF attached) the secretary opens
 * in her mail program to send. The wording follows the Code électoral:
 * L.18 (decision within 5 days, notification within 2), L.18 III and R.17-1
 * (RAPO before the commission de contrôle within 5 days, which has 30 days),
 * L.20 (then the tribunal judiciaire within 7 days).
 */
import PDFDocument from 'pdfkit';
import { randomUUID } from 'node:crypto';
import { frenchDay } from '../../shared/calendar.js';
import { cerfaOf } from '../../shared/electoral/demand-content.js';
import { DEMAND_LETTER_LABELS, type DemandLetter } from '../../shared/electoral/demand-ipc.js';
import { DEMAND_KIND_LABELS, LIST_TYPE_LABELS, type Demand } from '../../shared/electoral/types.js';
import { GuichetError } from '../../shared/errors.js';

export interface LetterContext {
  communeName: string;
  /** AAAA-MM-JJ: the letter's date (Paris). */
  today: string;
  /** Signatory line, e.g. « Le maire ». */
  signatory: string;
}

interface LetterText {
  subject: string;
  paragraphs: string[];
}

function person(d: Demand): string {
  const a = d.applicant;
  const usage = a.usageName ? ` (nom d'usage ${a.usageName})` : '';
  return `${a.firstNames} ${a.birthName}${usage}, né(e) le ${frenchDay(a.birthDate)}`;
}

function what(d: Demand): string {
  const cerfa = cerfaOf(d.kind, d.list);
  const kind = DEMAND_KIND_LABELS[d.kind].toLowerCase();
  return `votre demande de ${kind} sur la ${LIST_TYPE_LABELS[d.list].toLowerCase()}${cerfa ? ` (${cerfa})` : ''}, déposée le ${frenchDay(d.depositDate ?? d.createdAtLocal)}`;
}

const RAPO = [
  'Voies de recours. Vous pouvez contester cette décision par un recours administratif préalable obligatoire (RAPO) devant la commission de contrôle de la commune, dans un délai de cinq jours à compter de la réception de la présente notification (article L.18 III du Code électoral). Adressez votre recours, écrit et motivé, à la mairie à l’attention de la commission de contrôle.',
  'La commission statue dans un délai de trente jours ; à défaut de décision dans ce délai, votre recours est réputé rejeté. La décision de la commission (ou son silence) peut ensuite être contestée devant le tribunal judiciaire dans un délai de sept jours (article L.20 du Code électoral). Le tribunal ne peut pas être saisi sans ce recours préalable.',
];

/** The text of a letter, or a French refusal when the demand is not at that step. */
export function letterText(d: Demand, letter: DemandLetter): LetterText {
  if (letter === 'acceptation') {
    if (d.status !== 'acceptee') throw notAtStep('la lettre d’acceptation', 'acceptée');
    const bureau = d.newBureauCode ? ` Vous êtes rattaché(e) au bureau de vote n° ${d.newBureauCode}.` : '';
    return {
      subject: 'Objet : acceptation de votre demande',
      paragraphs: [
        'Madame, Monsieur,',
        `J’ai l’honneur de vous informer que ${what(d)}, a été acceptée par décision du ${frenchDay(d.decisionDate!)}.${bureau}`,
        'Cette décision est transmise au répertoire électoral unique (REU) tenu par l’INSEE. Votre carte électorale vous sera adressée à votre domicile ; vous pouvez vérifier votre situation électorale sur service-public.fr.',
        'Je vous prie d’agréer, Madame, Monsieur, l’expression de mes salutations distinguées.',
      ],
    };
  }
  if (letter === 'refus') {
    if (d.status !== 'refusee') throw notAtStep('la lettre de refus', 'refusée');
    return {
      subject: 'Objet : refus de votre demande',
      paragraphs: [
        'Madame, Monsieur,',
        `J’ai le regret de vous informer que ${what(d)}, a été refusée par décision du ${frenchDay(d.decisionDate!)}.`,
        `Motif : ${d.refusalReason ?? ''}`,
        ...RAPO,
        'Je vous prie d’agréer, Madame, Monsieur, l’expression de mes salutations distinguées.',
      ],
    };
  }
  if (d.kind !== 'radiation') throw notAtStep('le préavis de radiation', 'une radiation');
  if (d.status === 'acceptee' || d.status === 'refusee' || d.status === 'abandonnee')
    throw new GuichetError(
      'invalid_input',
      'Le préavis se fait avant la décision : cette radiation est déjà close.',
      'notice after decision',
    );
  return {
    subject: 'Objet : projet de radiation de la liste électorale — procédure contradictoire',
    paragraphs: [
      'Madame, Monsieur,',
      `Il apparaît que vous ne remplissez plus les conditions d’attache avec la commune de ${'{COMMUNE}'} qui justifiaient votre inscription sur la ${LIST_TYPE_LABELS[d.list].toLowerCase()}${d.comment ? ` (${d.comment})` : ''}.`,
      'En application de l’article L.18 du Code électoral, j’envisage de procéder à votre radiation. Avant toute décision, vous pouvez présenter vos observations, par écrit ou en vous présentant en mairie, et produire tout justificatif de votre attache avec la commune (domicile, résidence, inscription au rôle des contributions directes), dans un délai de quinze jours à compter de la réception de ce courrier.',
      'Sans réponse de votre part dans ce délai, la radiation pourra être prononcée. Elle vous sera notifiée, avec les voies de recours ouvertes contre elle.',
      'Je vous prie d’agréer, Madame, Monsieur, l’expression de mes salutations distinguées.',
    ],
  };
}

function notAtStep(letter: string, status: string): GuichetError {
  return new GuichetError(
    'invalid_input',
    `Pas de ${letter} pour cette demande : elle n’est pas ${status}.`,
    `letter not at step (${status})`,
  );
}

/** The PDF of a letter (A4, one or two pages). */
export async function letterPdf(d: Demand, letter: DemandLetter, ctx: LetterContext): Promise<Uint8Array> {
  const text = letterText(d, letter);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 60, bottom: 60, left: 70, right: 70 },
    info: {
      Title: `${DEMAND_LETTER_LABELS[letter]} — ${d.applicant.birthName}`,
      Author: `Mairie de ${ctx.communeName}`,
      Producer: 'Guichet',
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(13).text(`Mairie de ${ctx.communeName}`);
  doc.font('Helvetica').fontSize(10).text('Service des élections');
  doc.moveDown(2);
  const addressLines = [`${d.applicant.firstNames} ${d.applicant.usageName ?? d.applicant.birthName}`, d.newAddress ?? ''];
  doc.fontSize(11).text(addressLines.filter(Boolean).join('\n'), { align: 'right' });
  doc.moveDown(2);
  doc.text(`${ctx.communeName}, le ${frenchDay(ctx.today)}`, { align: 'right' });
  doc.moveDown(1.5);
  doc.font('Helvetica-Bold').text(text.subject);
  doc.font('Helvetica').text(`Concerne : ${person(d)}`);
  doc.moveDown();
  for (const p of text.paragraphs) {
    doc.text(p.replace('{COMMUNE}', ctx.communeName), { align: 'justify' });
    doc.moveDown(0.8);
  }
  doc.moveDown(1.5);
  doc.text(`${ctx.signatory} de ${ctx.communeName}`, { align: 'right' });
  doc.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

/** Folded base64 lines (RFC 2045: at most 76 characters). */
function base64Lines(bytes: Uint8Array): string {
  return (
    Buffer.from(bytes)
      .toString('base64')
      .match(/.{1,76}/g)
      ?.join('\r\n') ?? ''
  );
}

/** RFC 2047 encoded-word for a non-ASCII header. */
const encodedWord = (s: string) => `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;

/**
 * An unsent e-mail (.eml, `X-Unsent: 1` so mail programs open it as a draft to send)
 * with the letter's PDF attached; the recipient is the applicant's address when known.
 */
export function letterEml(d: Demand, letter: DemandLetter, pdf: Uint8Array, fileName: string, ctx: LetterContext): string {
  const boundary = `guichet-${randomUUID()}`;
  const subject = `${DEMAND_LETTER_LABELS[letter]} — Mairie de ${ctx.communeName}`;
  const body = [
    'Madame, Monsieur,',
    '',
    `Veuillez trouver ci-joint le courrier de la mairie de ${ctx.communeName} concernant votre demande relative à la liste électorale.`,
    '',
    `La mairie de ${ctx.communeName}`,
  ].join('\r\n');
  return [
    ...(d.email ? [`To: ${d.email}`] : []),
    `Subject: ${encodedWord(subject)}`,
    'X-Unsent: 1',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(new TextEncoder().encode(body)),
    `--${boundary}`,
    `Content-Type: application/pdf; name="${fileName}"`,
    'Content-Transfer-Encoding: base64',
    `Content-Disposition: attachment; filename="${fileName}"`,
    '',
    base64Lines(pdf),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
