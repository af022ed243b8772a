import { parseParcelId, parseSectionNumero, type SectionNumero } from './parcel-id.js';

/**
 * What a secretary typed in the parcel search, read once: a full 14-character
 * id, the start of one, a section + numéro (`A 199`, `0A0199`, `ZB12`,
 * `zb 12`), or words of a lieu-dit or an address (`8 rue des champs`).
 */
export type CadastreQuery =
  | { kind: 'empty' }
  | { kind: 'id'; id: string }
  | { kind: 'id-prefix'; prefix: string }
  | { kind: 'section'; ref: SectionNumero }
  | { kind: 'text'; tokens: string[] };

export function readCadastreQuery(input: string): CadastreQuery {
  const q = input.trim();
  if (q === '') return { kind: 'empty' };
  const id = parseParcelId(q);
  if (id) return { kind: 'id', id: id.id };
  const ref = parseSectionNumero(q);
  if (ref) return { kind: 'section', ref };
  const compact = q.replace(/\s+/g, '').toUpperCase();
  if (/^(\d{2}|2A|2B)\d{4}[0-9A-Z]{0,8}$/.test(compact) && compact.length >= 6) return { kind: 'id-prefix', prefix: compact };
  const tokens = textTokens(q);
  return tokens.length === 0 ? { kind: 'empty' } : { kind: 'text', tokens };
}

/** Lower-case words without accents (the FTS index folds the same way: unicode61 remove_diacritics 2). */
export function textTokens(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 12);
}

/** FTS5 MATCH expression: every word, each as a prefix (search as you type). */
export function ftsExpression(tokens: readonly string[]): string {
  return tokens.map((t) => `"${t.replace(/"/g, '')}"*`).join(' ');
}
