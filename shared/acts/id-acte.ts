import { natureByCode, type CodeNatureActe } from './natures.js';

/**
 * IDActe, assigned by the ministry in ARActe and predictable in advance:
 * `<DEP>-<SIREN>-<YYYYMMDD decision date>-<NumeroInterne>-<NAT>`.
 * The pattern is the XSD's (which allows lowercase in the number).
 */
export const ID_ACTE_PATTERN = /^[09][0-9][AB0-9]-[0-9]{9}-[0-9]{8}-[a-zA-Z0-9_]{1,15}-[A-Z]{2}$/;

export interface IdActeParts {
  departement: string;
  siren: string;
  /** YYYY-MM-DD */
  decisionDate: string;
  numeroInterne: string;
  natureAbrege: string;
}

export function isIdActe(value: string): boolean {
  return ID_ACTE_PATTERN.test(value);
}

export function parseIdActe(value: string): IdActeParts | null {
  if (!isIdActe(value)) return null;
  const [departement, siren, ymd] = value.split('-', 3);
  const natureAbrege = value.slice(-2);
  const numeroInterne = value.slice(departement.length + siren.length + ymd.length + 3, -3);
  return { departement, siren, decisionDate: `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`, numeroInterne, natureAbrege };
}

export function buildIdActe(p: {
  departement: string;
  siren: string;
  decisionDate: string;
  numeroInterne: string;
  codeNatureActe: CodeNatureActe;
}): string {
  return `${p.departement}-${p.siren}-${p.decisionDate.replaceAll('-', '')}-${p.numeroInterne}-${natureByCode(p.codeNatureActe).abrege}`;
}
