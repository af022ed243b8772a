import { resolveMatieres, typologiesForNature, type Classification } from './classification.js';
import type { RuleRefusal, WriteAttempt } from '../domain/spec.js';
import type { ActFileKind } from './file-kinds.js';
import type { ActRecord } from './records.js';
import { SIGNATURE_TYPOLOGY, isCodeNatureActe } from './natures.js';

/**
 * Drafting rules of an act before it may be transmitted. Each rule returns a
 * French sentence for the user, or null when the value is acceptable. The
 * strict forms are S²LOW's (the reference tiers), so an act we accept is never
 * refused later by the ministry for these reasons.
 */

/** S²LOW: 1–15 chars, uppercase letters, digits and `_`, no `_` at either end. */
const NUMERO_INTERNE = /^([A-Z0-9][A-Z0-9_]{0,13})?[A-Z0-9]$/;

export function checkNumeroInterne(value: string): string | null {
  if (value.length === 0) return "Le numéro de l'acte est obligatoire.";
  if (value.length > 15) return "Le numéro de l'acte ne peut pas dépasser 15 caractères.";
  if (!NUMERO_INTERNE.test(value)) {
    return "Le numéro de l'acte ne peut contenir que des lettres majuscules sans accent, des chiffres et le caractère « _ », qui ne peut être ni au début ni à la fin.";
  }
  return null;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** `today` is passed in (YYYY-MM-DD, the commune's local date) so the rule is testable and clock-agnostic. */
export function checkDecisionDate(value: string, today: string): string | null {
  if (!isIsoDate(value))
    return "La date de décision n'est pas une date valide : écrivez le jour, le mois et l'année, par exemple 14/07/2026.";
  if (value > today) return 'La date de décision ne peut pas être dans le futur.';
  return null;
}

export const OBJET_MAX_LENGTH = 499;

/**
 * Position (1-based, as the user counts characters) of the first invisible character of
 * `value`, or 0: control codes (C0 but tab, DEL, C1 — a page break pasted from a word
 * processor is a form feed), U+FFFE/U+FFFF and half of a surrogate pair. XML 1.0 cannot
 * carry most of them, so an act holding one could never be packed for the prefecture
 * (« PCDATA invalid Char value 12 »); the others are never meant in an act either.
 */
export function invisibleCharacterPosition(value: string): number {
  let position = 0;
  for (let i = 0; i < value.length; i++) {
    position++;
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return position;
    }
    if ((c < 0x20 && c !== 0x09) || (c >= 0x7f && c <= 0x9f) || (c >= 0xdc00 && c <= 0xdfff) || c === 0xfffe || c === 0xffff)
      return position;
  }
  return 0;
}

/** `what` names the text for the user (« L'objet », « Le nom du fichier « x.pdf » »). */
export function checkVisibleText(value: string, what: string): string | null {
  const position = invisibleCharacterPosition(value);
  if (position === 0) return null;
  return `${what} contient un caractère invisible (${position === 1 ? '1er' : `${position}e`} caractère), souvent collé depuis un traitement de texte : effacez-le ou retapez le texte à cet endroit.`;
}

export function checkObjet(value: string): string | null {
  if (value.trim().length === 0) return "L'objet de l'acte est obligatoire.";
  if (/[\r\n]/.test(value)) return "L'objet de l'acte doit tenir sur une seule ligne (pas de retour à la ligne).";
  if (value.length > OBJET_MAX_LENGTH)
    return `L'objet de l'acte ne peut pas dépasser ${OBJET_MAX_LENGTH} caractères (actuellement ${value.length}).`;
  return checkVisibleText(value, "L'objet");
}

/** A file name travels in the archive's XML (`NomFichier`) too. */
export function checkFileName(fileName: string): string | null {
  return checkVisibleText(fileName, `Le nom du fichier « ${[...fileName].filter((ch) => invisibleCharacterPosition(ch) === 0).join('')} »`);
}

/**
 * The act itself must be a PDF; budget documents (nature 5, matière 7.1) may
 * be sent as XML (S²LOW `ActesTransaction::addFile`).
 */
export function checkActFileKind(kind: ActFileKind, nature: number, matieres: readonly number[]): string | null {
  if (kind === 'pdf') return null;
  const budgetXmlAllowed = nature === 5 && matieres[0] === 7 && matieres[1] === 1;
  if (kind === 'xml' && budgetXmlAllowed) return null;
  if (kind === 'xml') return "Un acte au format XML n'est accepté que pour un document budgétaire (nature 5, matière 7.1).";
  return "L'acte doit être un fichier PDF.";
}

/**
 * Whether the act must carry the commune's PAdES signature before it leaves the PC.
 * A PDF act is signed on the PC; a budget document in XML comes sealed by the
 * finance software that produced it (PAdES does not apply to XML), so it goes as is.
 */
export function requiresPadesSignature(kind: ActFileKind): boolean {
  return kind === 'pdf';
}

const ANNEX_KINDS: readonly ActFileKind[] = ['pdf', 'png', 'jpeg', 'xml'];

/** Annexes: PDF, PNG, JPEG or XML; only PDF when the act itself is XML. */
export function checkAnnexFileKind(kind: ActFileKind, actKind: ActFileKind, fileName: string): string | null {
  if (actKind === 'xml' && kind !== 'pdf') return `L'annexe « ${fileName} » doit être un PDF, car l'acte est un document budgétaire XML.`;
  if (!ANNEX_KINDS.includes(kind)) return `L'annexe « ${fileName} » doit être un fichier PDF, PNG, JPEG ou XML.`;
  return null;
}

/** "150 Mo" (Pastell's limit on act + annexes), counted in binary megabytes. */
export const MAX_TOTAL_BYTES = 150 * 1024 * 1024;

export function checkTotalSize(sizes: readonly number[]): string | null {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total > MAX_TOTAL_BYTES) {
    return `La taille totale de l'acte et de ses annexes (${(total / 1024 / 1024).toFixed(1)} Mo) dépasse la limite de 150 Mo.`;
  }
  return null;
}

export function checkTypology(classification: Classification, nature: number, code: string, what: string): string | null {
  if (!/^[A-Z0-9_]{5}$/.test(code)) return `La typologie de ${what} est invalide (code attendu sur 5 caractères, par exemple 99_DE).`;
  const allowed = typologiesForNature(classification, nature);
  if (code === SIGNATURE_TYPOLOGY && allowed.length > 0) return null;
  if (!allowed.some((t) => t.code === code))
    return `La typologie « ${code} » de ${what} n'existe pas pour cette nature d'acte dans la classification de la préfecture.`;
  return null;
}

/** The two first levels are mandatory; every level must exist in the classification. */
export function checkMatieres(classification: Classification, codes: readonly number[]): string | null {
  if (codes.length < 2) return "La classification de l'acte doit préciser au moins les deux premiers niveaux de matière.";
  if (codes.length > 5) return "La classification de l'acte a au plus cinq niveaux de matière.";
  if (!resolveMatieres(classification, codes)) return `La matière ${codes.join('.')} n'existe pas dans la classification de la préfecture.`;
  return null;
}

export function checkNature(value: number): string | null {
  return isCodeNatureActe(value) ? null : "Choisissez la nature de l'acte dans la liste (délibération, arrêté, contrat…).";
}

/** The act must use the classification version the hub holds (else: AnomalieActe ODT-VERIF-01). */
export function checkClassificationVersion(used: string, current: string): string | null {
  if (used !== current)
    return `La classification utilisée (version du ${used}) n'est pas à jour : la préfecture attend la version du ${current}.`;
  return null;
}

const refuse = (code: RuleRefusal['code'], message: string, detail: string): RuleRefusal => ({ code, message, detail });

/** The texts of an act record that end up in the prefecture archive's XML, checked for invisible characters. */
function invisibleTextProblem(act: ActRecord): { field: string; message: string } | null {
  const texts: [string, string | null][] = [
    ['draft.objet', checkVisibleText(act.draft.objet, "L'objet")],
    ['draft.precedentIdActe', checkVisibleText(act.draft.precedentIdActe ?? '', "L'identifiant de l'acte remplacé")],
    ['draft.act.fileName', checkFileName(act.draft.act.fileName)],
    ...act.draft.annexes.map((a, i): [string, string | null] => [`draft.annexes.${i}.fileName`, checkFileName(a.fileName)]),
    ['actFile.fileName', act.actFile ? checkFileName(act.actFile.fileName) : null],
    ...act.annexFiles.map((f, i): [string, string | null] => [`annexFiles.${i}.fileName`, checkFileName(f.fileName)]),
  ];
  for (const [field, message] of texts) if (message) return { field, message };
  return null;
}

/**
 * `acts.acts` write rule, applied by the hub on every push and by the PC before it
 * queues: signing and asking to transmit belong to `acts.transmit` (the mayor or a
 * delegate); once signed the act is frozen (the signature covers it), once a
 * transmission is asked it cannot be taken back (cancelling is the 6-1 command);
 * a signed or transmitted act is never deleted.
 */
export function checkActWrite({ before, after, may }: WriteAttempt<ActRecord>): RuleRefusal | null {
  if (!after) {
    if (before && (before.signature || before.transmitRequested))
      return refuse('forbidden', 'Un acte signé ou transmis ne peut pas être supprimé.', 'delete of a signed or transmitted act');
    return null;
  }
  const invisible = invisibleTextProblem(after);
  if (invisible) return refuse('invalid_input', invisible.message, `${invisible.field}: invisible character`);
  const signed = JSON.stringify(before?.signature ?? null) !== JSON.stringify(after.signature);
  if (signed && !may('acts.transmit'))
    return refuse('forbidden', 'Seul le maire (ou son délégué) peut signer un acte.', 'signature written without acts.transmit');
  if (after.transmitRequested && !before?.transmitRequested && !may('acts.transmit'))
    return refuse(
      'forbidden',
      'Seul le maire (ou son délégué) peut transmettre un acte à la préfecture.',
      'transmitRequested without acts.transmit',
    );
  if (before?.transmitRequested && !after.transmitRequested)
    return refuse('conflict', 'Cet acte a déjà été transmis : demandez son annulation.', 'transmitRequested taken back');
  if (before?.signature) {
    const { transmitRequested: _a, ...was } = before;
    const { transmitRequested: _b, ...now } = after;
    if (JSON.stringify(was) !== JSON.stringify(now))
      return refuse('conflict', 'Cet acte est déjà signé : il ne peut plus être modifié.', 'signed act changed');
  }
  return null;
}
