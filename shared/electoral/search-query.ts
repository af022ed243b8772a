/**
 * What the counter types in « Nom, prénom ou date de naissance », split into
 * name words (looked up as prefixes in the full-text index) and one birth-date
 * criterion (compared with the stored `AAAA-MM-JJ`, where the REU writes `00`
 * for an unknown day or month). `dupont 14/07/1951`, `martin 1956` and
 * `00/07/1944` thus narrow homonyms instead of finding nothing.
 */
import { searchTermsOf } from './normalize.js';

export interface SearchQuery {
  /** Folded name words, as prefixes (normalize.ts searchTermsOf). */
  terms: string[];
  /**
   * A `LIKE` pattern on the stored birth date (`1951-07-14`, `1951-__-__`,
   * `1944-07-__`), digits, dashes and `_` only; null when no date was typed.
   */
  birthDate: string | null;
}

const MIN_YEAR = 1850;
const MAX_YEAR = 2100;

/** `14/07/1951`, `14-07-1951`, `14.07.1951`, `00/07/1944`, `../07/1944`. */
const DAY_MONTH_YEAR = /^(\d{1,2}|\.\.)[/.-](\d{1,2}|\.\.)[/.-](\d{4})$/;
/** `07/1944` (month and year). */
const MONTH_YEAR = /^(\d{1,2}|\.\.)[/.-](\d{4})$/;
/** `1951-07-14` (ISO, as the CLI's JSON shows it). */
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
/** `1951`. */
const YEAR = /^(\d{4})$/;

/**
 * A part of a typed date: `00` or `..` is « unknown » and matches any value
 * (the stored date may know it or not); otherwise the two-digit value.
 */
function part(text: string, max: number): string | null {
  if (text === '..' || Number(text) === 0) return '__';
  const n = Number(text);
  return n >= 1 && n <= max ? String(n).padStart(2, '0') : null;
}

/** The LIKE pattern for one typed token, or null when the token is not a date. */
export function birthDatePatternOf(token: string): string | null {
  let y: string;
  let m = '..';
  let d = '..';
  const dmy = DAY_MONTH_YEAR.exec(token);
  const my = MONTH_YEAR.exec(token);
  const iso = ISO.exec(token);
  const year = YEAR.exec(token);
  if (dmy) [, d, m, y] = dmy;
  else if (my) [, m, y] = my;
  else if (iso) [, y, m, d] = iso;
  else if (year) y = year[1]!;
  else return null;
  if (Number(y) < MIN_YEAR || Number(y) > MAX_YEAR) return null;
  const month = part(m, 12);
  const day = part(d, 31);
  if (month === null || day === null) return null;
  return `${y}-${month}-${day}`;
}

/**
 * Splits a query on spaces: each token that reads as a date (see above) is the
 * date criterion (the last one wins: one person has one birth date), every
 * other token goes to the name words.
 */
export function parseSearchQuery(typed: string): SearchQuery {
  let birthDate: string | null = null;
  const names: string[] = [];
  for (const token of typed.trim().split(/\s+/)) {
    const pattern = token === '' ? null : birthDatePatternOf(token);
    if (pattern) birthDate = pattern;
    else names.push(token);
  }
  return { terms: searchTermsOf(names.join(' ')), birthDate };
}
