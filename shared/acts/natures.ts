/**
 * The six natures of acts of the contrôle de légalité (`CodeNatureActe`), with
 * the labels the prefectures send in `RetourClassification`, the two-letter
 * abbreviation used in file names and IDActe, and the default typology
 * (`CodeTypePJ`) of the act document.
 */
export type CodeNatureActe = 1 | 2 | 3 | 4 | 5 | 6;

export interface NatureActe {
  code: CodeNatureActe;
  /** Official label, as in `RetourClassification`. */
  libelle: string;
  /** `TypeAbrege`: the letters in file names and in the IDActe. */
  abrege: 'DE' | 'AR' | 'AI' | 'CC' | 'BF' | 'AU';
  defaultTypology: string;
}

export const NATURES_ACTE: readonly NatureActe[] = [
  { code: 1, libelle: 'Délibérations', abrege: 'DE', defaultTypology: '99_DE' },
  { code: 2, libelle: 'Actes réglementaires', abrege: 'AR', defaultTypology: '99_AR' },
  { code: 3, libelle: 'Actes individuels', abrege: 'AI', defaultTypology: '99_AI' },
  { code: 4, libelle: 'Contrats, conventions et avenants', abrege: 'CC', defaultTypology: '99_DC' },
  { code: 5, libelle: 'Documents budgétaires et financiers', abrege: 'BF', defaultTypology: '99_BU' },
  { code: 6, libelle: 'Autres', abrege: 'AU', defaultTypology: '99_AU' },
];

export function isCodeNatureActe(x: unknown): x is CodeNatureActe {
  return typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= 6;
}

export function natureByCode(code: CodeNatureActe): NatureActe {
  const n = NATURES_ACTE.find((x) => x.code === code);
  if (!n) throw new RangeError(`CodeNatureActe inconnu: ${code}`);
  return n;
}

export function natureByAbrege(abrege: string): NatureActe | undefined {
  return NATURES_ACTE.find((x) => x.abrege === abrege);
}

/** Typology of a detached electronic-signature file; valid for every nature. */
export const SIGNATURE_TYPOLOGY = '99_SE';
