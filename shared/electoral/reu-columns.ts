/**
 * Columns of a REU extract ("Liste électorale des électeurs actifs"), as the
 * parser recognises them and the synthetic generator writes them.
 * Real files differ in small ways (`code du l'ugle`, `code de la commune de
 * naissance`…), so headers are compared after `headerKey` folding.
 */
export const REU_FIELDS = [
  'ugleCode',
  'ugleLabel',
  'listLabel',
  'birthName',
  'usageName',
  'firstNames',
  'sex',
  'birthDate',
  'birthCommuneCode',
  'birthCommuneLabel',
  'birthDepartementCode',
  'birthCountry',
  'nationalityCode',
  'nationalityLabel',
  'streetNumber',
  'streetLabel',
  'complement1',
  'complement2',
  'lieuDit',
  'postalCode',
  'city',
  'country',
  'bureauCode',
  'bureauLabel',
  'circonscriptionCode',
  'cantonCode',
  'cantonLabel',
  'numeroOrdre',
  'ine',
] as const;
export type ReuField = (typeof REU_FIELDS)[number];

/** Every header spelling met for a field; the first one is what the REU writes today. */
export const REU_HEADERS: Record<ReuField, readonly string[]> = {
  ugleCode: ["code de l'ugle", "code du l'ugle", 'code ugle'],
  ugleLabel: ["libellé de l'ugle", "libellé du l'ugle", 'libellé ugle'],
  listLabel: ['libellé du type de liste', 'type de liste', 'libellé type de liste'],
  birthName: ['nom de naissance'],
  usageName: ["nom d'usage"],
  firstNames: ['prénoms', 'prénom'],
  sex: ['sexe'],
  birthDate: ['date de naissance'],
  birthCommuneCode: ['code commune de naissance', 'code de la commune de naissance'],
  birthCommuneLabel: ['libellé commune de naissance', 'libellé de la commune de naissance', 'commune de naissance'],
  birthDepartementCode: ['code département de naissance', 'code du département de naissance'],
  birthCountry: ['pays de naissance', 'libellé pays de naissance'],
  nationalityCode: ['identifiant nationalité', 'code nationalité', 'nationalité'],
  nationalityLabel: ['libellé nationalité'],
  streetNumber: ['numéro de voie'],
  streetLabel: ['libellé de voie', 'libellé voie'],
  complement1: ['complément 1', 'complément1', "complément d'adresse 1"],
  complement2: ['complément 2', 'complément2', "complément d'adresse 2"],
  lieuDit: ['lieu-dit', 'lieu dit'],
  postalCode: ['code postal'],
  city: ['commune', 'ville', 'localité'],
  country: ['pays'],
  bureauCode: ['code du bureau de vote', 'code bureau de vote'],
  bureauLabel: ['libellé du bureau de vote', 'libellé bureau de vote'],
  circonscriptionCode: ['code circonscription législative du bureau de vote', 'circonscription législative du bureau de vote'],
  cantonCode: ['code canton du bureau de vote'],
  cantonLabel: ['libellé canton du bureau de vote'],
  numeroOrdre: ["numéro d'ordre dans le bureau de vote", "numéro d'ordre"],
  ine: ['ine', 'nne', "identifiant national d'électeur", "numéro national d'électeur", 'identifiant national électeur'],
};

/** Columns of a real "électeurs actifs" extract, in file order (no INE: the REU leaves it out). */
export const REU_EXTRACT_COLUMNS: readonly ReuField[] = REU_FIELDS.filter((f) => f !== 'ine' && f !== 'nationalityLabel');

/** Fields whose column must be present (the list type may come from the file name instead). */
export const REU_REQUIRED_FIELDS: readonly ReuField[] = ['birthName', 'firstNames', 'birthDate', 'bureauCode'];

/**
 * Header folding: case, accents, curly apostrophes, spaces and a stray BOM
 * do not count, so `Code de l’UGLE ` matches `code de l'ugle`.
 */
export function headerKey(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\u2019\u2018`´]/g, "'")
    .replace(/\s*'\s*/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

const FIELD_BY_HEADER = new Map<string, ReuField>();
for (const field of REU_FIELDS) for (const h of REU_HEADERS[field]) FIELD_BY_HEADER.set(headerKey(h), field);

export function fieldOfHeader(header: string): ReuField | null {
  return FIELD_BY_HEADER.get(headerKey(header)) ?? null;
}

/** French label of a field for messages: the header the REU writes today. */
export function fieldLabel(field: ReuField): string {
  return REU_HEADERS[field][0];
}

export const LIST_LABELS = {
  LP: 'Liste principale',
  LCM: 'Liste complémentaire municipale',
  LCE: 'Liste complémentaire européenne',
} as const;

/** REU file names carry the commune code, the list type and the export date (`com10387_LP_28-11-2026.csv`). */
export function infoFromFileName(fileName: string): {
  communeCode: string | null;
  listType: 'LP' | 'LCM' | 'LCE' | null;
  extractDate: string | null;
} {
  const base = fileName.replace(/^.*[\\/]/, '');
  const commune = /com(\d[\dAB]\d{3})/i.exec(base);
  const types = base.toUpperCase().match(/(?<![A-Z])(LP|LCE|LCM)(?![A-Z])/g);
  const date = /(?<!\d)(\d{2})-(\d{2})-(\d{4})(?!\d)/.exec(base);
  let extractDate: string | null = null;
  if (date) {
    const [, d, m, y] = date;
    if (isCalendarDate(Number(y), Number(m), Number(d))) extractDate = `${y}-${m}-${d}`;
  }
  const unique = types ? [...new Set(types)] : [];
  return {
    communeCode: commune ? commune[1].toUpperCase() : null,
    listType: unique.length === 1 ? (unique[0] as 'LP' | 'LCM' | 'LCE') : null,
    extractDate,
  };
}

export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || month < 1 || month > 12 || day < 1) return false;
  const days = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= days[month - 1];
}
