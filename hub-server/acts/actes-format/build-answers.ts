import { type AnswerCode, checkAnswerFiles, isAcknowledgement } from '../../../shared/acts/commands.js';
import { documentFileName, messageFileName, type MessageCode } from './file-names.js';
import { extensionForContent, type OutgoingDocument, type OutgoingMessage } from './build-acte.js';
import { el, fichierSigne, renderActesDocument, type XmlElement } from './xml-writer.js';

/** The commune's answers to the prefecture's letters, with their root element. */
export const ANSWER_ROOTS = {
  '2-2': 'ReponseCourrierSimple',
  '3-2': 'ARDemandePieceComplementaire',
  '3-3': 'RefusPieceComplementaire',
  '3-4': 'PieceComplementaire',
  '4-2': 'ARLettreObservations',
  '4-3': 'RejetLettreObservations',
  '4-4': 'ReponseLettreObservations',
} as const satisfies Record<AnswerCode, string>;
export type { AnswerCode };

export interface AnswerInput {
  code: AnswerCode;
  idActe: string;
  /** `DateCourrierPref` of the letter answered. */
  dateCourrierPref: string;
  /** None for the ARs (3-2, 4-2); one for 2-2, 3-3, 4-3, 4-4; one or more for 3-4. */
  documents: OutgoingDocument[];
}

export function buildAnswerMessage(input: AnswerInput): OutgoingMessage {
  const code = input.code as MessageCode;
  const docs = input.documents.map((d, i) => ({
    fileName: documentFileName(d.typology, input.idActe, code, i + 1, extensionForContent(d.content)),
    content: d.content,
    signatureBase64: d.signatureBase64,
  }));
  const isAr = isAcknowledgement(input.code);
  // Checked when the command was accepted; a builder never writes a message the prefecture would refuse.
  const problem = checkAnswerFiles(input.code, docs.length);
  if (problem) throw new RangeError(`${input.code}: ${problem}`);
  let children: XmlElement[] = [];
  if (input.code === '3-4')
    children = [
      el(
        'Documents',
        undefined,
        docs.map((d) => fichierSigne('Document', d.fileName, d.signatureBase64)),
      ),
    ];
  else if (!isAr) children = [fichierSigne('Document', docs[0].fileName, docs[0].signatureBase64)];
  const root = el(ANSWER_ROOTS[input.code], { IDActe: input.idActe, DateCourrierPref: input.dateCourrierPref }, children);
  return {
    fileName: messageFileName(input.idActe, code),
    xml: renderActesDocument(root),
    documents: docs.map(({ fileName, content }) => ({ fileName, content })),
    idActe: input.idActe,
  };
}
