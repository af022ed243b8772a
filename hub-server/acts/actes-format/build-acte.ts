import { natureByCode, type CodeNatureActe } from '../../../shared/acts/natures.js';
import { FILE_KIND_EXTENSION, sniffFileKind } from '../../../shared/acts/file-kinds.js';
import { documentFileName, messageFileName, transactionBase } from './file-names.js';
import type { CommuneIdentity } from './identities.js';
import { el, fichierSigne, renderActesDocument } from './xml-writer.js';

export interface OutgoingDocument {
  content: Uint8Array;
  /** `CodeTypePJ`, the 5-char file-name prefix. */
  typology: string;
  /** Detached PKCS#7 in base64, when the act carries one. */
  signatureBase64?: string;
}

/** A message ready for an envelope: its XML and the documents it names. */
export interface OutgoingMessage {
  fileName: string;
  xml: Buffer;
  documents: Array<{ fileName: string; content: Uint8Array }>;
  /** The transaction's IDActe (known in advance for an act); null for a classification request. */
  idActe: string | null;
}

export interface ActeInput {
  commune: CommuneIdentity;
  numeroInterne: string;
  decisionDate: string;
  codeNatureActe: CodeNatureActe;
  /** Matière codes, level 1 first (2 to 5). */
  matieres: number[];
  objet: string;
  classificationDateVersion: string;
  documentPapier?: boolean;
  precedentIdActe?: string;
  act: OutgoingDocument;
  annexes: OutgoingDocument[];
}

export function extensionForContent(content: Uint8Array): string {
  const kind = sniffFileKind(content);
  return kind === 'other' ? 'bin' : FILE_KIND_EXTENSION[kind];
}

/** Message 1-1 `Acte` with its document and annexes, named per the ACTES rules. */
export function buildActeMessage(input: ActeInput): OutgoingMessage {
  const base = transactionBase({
    ...input.commune,
    decisionDate: input.decisionDate,
    numeroInterne: input.numeroInterne,
    natureAbrege: natureByCode(input.codeNatureActe).abrege,
  });
  const docs = [input.act, ...input.annexes].map((d, i) => ({
    fileName: documentFileName(d.typology, base, '1-1', i + 1, extensionForContent(d.content)),
    content: d.content,
    signatureBase64: d.signatureBase64,
  }));
  const [actDoc, ...annexDocs] = docs;
  const root = el('Acte', { Date: input.decisionDate, NumeroInterne: input.numeroInterne, CodeNatureActe: input.codeNatureActe }, [
    ...input.matieres.map((code, i) => el(`CodeMatiere${i + 1}`, { CodeMatiere: code })),
    el('Objet', undefined, input.objet),
    input.precedentIdActe ? el('PrecedentIdentifiantActe', { IDActe: input.precedentIdActe }) : undefined,
    el('ClassificationDateVersion', undefined, input.classificationDateVersion),
    fichierSigne('Document', actDoc.fileName, actDoc.signatureBase64),
    el(
      'Annexes',
      { Nombre: annexDocs.length },
      annexDocs.map((d) => fichierSigne('Annexe', d.fileName, d.signatureBase64)),
    ),
    el('DocumentPapier', undefined, input.documentPapier ? 'O' : 'N'),
  ]);
  return {
    fileName: messageFileName(base, '1-1'),
    xml: renderActesDocument(root),
    documents: docs.map(({ fileName, content }) => ({ fileName, content })),
    idActe: base,
  };
}

/** Message 6-1 `Annulation`: named from the original transaction (its IDActe). */
export function buildAnnulationMessage(idActe: string): OutgoingMessage {
  return {
    fileName: messageFileName(idActe, '6-1'),
    xml: renderActesDocument(el('Annulation', { IDActe: idActe })),
    documents: [],
    idActe,
  };
}

/**
 * Message 7-1 `DemandeClassification`, named `<DEP>-<SIREN>----7-1_<n>.xml`
 * (no date, number or nature). `dateClassification` is the version the hub
 * holds; omit it to ask for the full classification.
 */
export function buildClassificationRequest(p: { commune: CommuneIdentity; serial: number; dateClassification?: string }): OutgoingMessage {
  const root = el(
    'DemandeClassification',
    undefined,
    p.dateClassification ? [el('DateClassification', undefined, p.dateClassification)] : [],
  );
  return {
    fileName: `${p.commune.departement}-${p.commune.siren}----7-1_${p.serial}.xml`,
    xml: renderActesDocument(root),
    documents: [],
    idActe: null,
  };
}
