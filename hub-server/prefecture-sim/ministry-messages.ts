import type { ActeRecu, EnvelopeSummary } from '../acts/actes-format/parse-return.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import iconv from 'iconv-lite';
import { actesXsdDir } from '../acts/actes-format/xsd-validate.js';
import { el, fichierSigne, renderActesDocument, type XmlElement } from '../acts/actes-format/xml-writer.js';

/**
 * The messages the ministry (@CTES) sends back, as the simulator writes them:
 * same schema, same ISO-8859-1, same names as the real platform's (reference
 * §3–§5). Copies of the received act are sanitised so that even the answer to
 * a malformed act stays valid against the XSD.
 */
const ISO = /^\d{4}-\d{2}-\d{2}$/;
const safeDate = (d: string, fallback: string) => (ISO.test(d) ? d : fallback);
const safeInt = (n: number) => (Number.isFinite(n) ? Math.trunc(n) : 0);

export function acteRecuElement(name: string, a: ActeRecu, today: string): XmlElement {
  const matieres = a.matieres.length >= 2 ? a.matieres.slice(0, 5) : [...a.matieres, 0, 0].slice(0, 2);
  return el(
    name,
    { Date: safeDate(a.date, today), NumeroInterne: a.numeroInterne.slice(0, 15), CodeNatureActe: safeInt(a.codeNatureActe) },
    [
      ...matieres.map((c, i) => el(`CodeMatiere${i + 1}`, { CodeMatiere: safeInt(c) })),
      el('Objet', undefined, a.objet.slice(0, 500)),
      el('ClassificationDateVersion', undefined, safeDate(a.classificationDateVersion, '2001-01-01')),
      fichierSigne('Document', a.document),
      el(
        'Annexes',
        { Nombre: a.annexes.length },
        a.annexes.map((n) => fichierSigne('Annexe', n)),
      ),
      el('DocumentPapier', undefined, a.documentPapier),
    ],
  );
}

export function arActe(p: { idActe: string; dateReception: string; acte: ActeRecu; classificationEnCours: string }): Buffer {
  return renderActesDocument(
    el('ARActe', { IDActe: p.idActe, DateReception: p.dateReception }, [
      acteRecuElement('ActeRecu', p.acte, p.dateReception),
      el('ClassificationDateVersionEnCours', undefined, p.classificationEnCours),
    ]),
  );
}

export function anomalieActe(p: { date: string; nature: string; detail: string; acte: ActeRecu; classificationEnCours: string }): Buffer {
  return renderActesDocument(
    el('AnomalieActe', undefined, [
      el('Date', undefined, p.date),
      el('Nature', undefined, p.nature),
      el('Detail', undefined, p.detail),
      acteRecuElement('ActeRecu', p.acte, p.date),
      el('ClassificationDateVersionEnCours', undefined, p.classificationEnCours),
    ]),
  );
}

/** Natures allowed by the XSD for an envelope anomaly (the real platform also sends 999). */
export type AnomalieEnveloppeNature = '001' | '002' | '003' | '004' | '005' | '100';

export function anomalieEnveloppe(p: { date: string; nature: AnomalieEnveloppeNature; detail: string; envelope: EnvelopeSummary }): Buffer {
  const e = p.envelope;
  return renderActesDocument(
    el('AnomalieEnveloppe', undefined, [
      el('Date', undefined, p.date),
      el('Nature', undefined, p.nature),
      el('Detail', undefined, p.detail),
      el('EnveloppeRecue', undefined, [
        el('Emetteur', undefined, [
          el('IDCL', { 'insee:SIREN': e.siren, Departement: e.departement, Arrondissement: e.arrondissement, Nature: e.nature }),
        ]),
        el(
          'AdressesRetour',
          undefined,
          e.adressesRetour.map((a) => el('Email', undefined, a)),
        ),
        el(
          'FormulairesEnvoyes',
          undefined,
          (e.formulaires.length ? e.formulaires : ['inconnu']).map((f) => fichierSigne('Formulaire', f)),
        ),
      ]),
    ]),
  );
}

export function arAnnulation(p: { idActe: string; dateReception: string }): Buffer {
  return renderActesDocument(el('ARAnnulation', { IDActe: p.idActe, DateReception: p.dateReception }));
}

/** AR of the commune's answer (3-5 for pieces sent or refused, 4-5 for an answer to observations). */
export function arReponse(
  root: 'ARPieceComplementaire' | 'ARReponseRejetLettreObservations',
  p: { idActe: string; dateCourrierPref: string; dateReception: string },
): Buffer {
  return renderActesDocument(
    el(root, { DateReception: p.dateReception }, [el('InfosCourrierPref', { IDActe: p.idActe, DateCourrierPref: p.dateCourrierPref })]),
  );
}

export type LetterCode = '2-1' | '3-1' | '4-1' | '5-1';

/** A prefecture letter about an act; `document` is the letter's PDF file name. */
export function letter(code: LetterCode, p: { idActe: string; date: string; text: string; document: string }): Buffer {
  const base = { IDActe: p.idActe, DateCourrierPref: p.date };
  switch (code) {
    case '2-1':
      return renderActesDocument(el('CourrierSimple', base, [fichierSigne('Document', p.document)]));
    case '3-1':
      return renderActesDocument(
        el('DemandePieceComplementaire', base, [el('DescriptionPieces', undefined, p.text), fichierSigne('Document', p.document)]),
      );
    case '4-1':
      return renderActesDocument(el('LettreObservations', base, [el('Motif', undefined, p.text), fichierSigne('Document', p.document)]));
    case '5-1':
      return renderActesDocument(
        el('DefereTA', { IDActe: p.idActe }, [
          el('DateDepot', undefined, p.date),
          el('NatureIllegalite', undefined, p.text),
          el('PiecesJointes', undefined, [fichierSigne('PieceJointe', p.document)]),
        ]),
      );
  }
}

/** `EnveloppeMISILLCL` from the sous-préfecture of the commune's arrondissement. */
export function ministryEnvelope(p: { departement: string; arrondissement: string; siren: string; formulaires: string[] }): Buffer {
  return renderActesDocument(
    el('EnveloppeMISILLCL', undefined, [
      el('Emetteur', undefined, [el('IDSousPref', { Departement: p.departement, Arrondissement: p.arrondissement })]),
      el(
        'FormulairesEnvoyes',
        undefined,
        p.formulaires.map((f) => fichierSigne('Formulaire', f)),
      ),
      el('Destinataire', { 'insee:SIREN': p.siren }),
    ]),
  );
}

export function ministryEnvelopeEmitter(departement: string, arrondissement: string): string {
  return `SPREF${departement}${arrondissement}`;
}

/** A one-page PDF standing for the prefecture's signed letter. */
export function letterPdf(title: string): Buffer {
  const text = title.replace(/[()\\]/g, ' ').replace(/[^\x20-\x7e]/g, '?');
  const stream = `BT /F1 14 Tf 72 720 Td (${text}) Tj ET`;
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

export function classificationSansChangement(date: string): Buffer {
  return renderActesDocument(el('ReponseClassificationSansChangement', undefined, [el('DateClassification', undefined, date)]));
}

/**
 * RetourClassification (7-2): the simulator serves the real classification
 * published in the reference examples (natures, typologies, matières), dated
 * with the version it currently accepts.
 */
export async function retourClassification(date: string): Promise<Buffer> {
  const source = await readFile(path.join(actesXsdDir(), 'examples', '999-1234----7-2_1.xml'));
  const text = iconv
    .decode(source, 'latin1')
    .replace(/<actes:DateClassification>[^<]*<\/actes:DateClassification>/, `<actes:DateClassification>${date}</actes:DateClassification>`);
  return iconv.encode(text, 'latin1');
}
