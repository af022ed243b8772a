/**
 * Name folding for the electoral search. The counter agent types what she
 * hears ("dartagnan", "d artagnan", "la fontaine"), without accents or
 * hyphens; the index therefore holds folded words plus particle-joined forms,
 * and the query is folded the same way. Used by the client index and any
 * other place that compares names, so both sides agree.
 */

/**
 * Names repeat a lot (a few thousand surnames and first names cover a whole
 * list), and folding is the costliest step of indexing an import: remember
 * recent results. Bounded so a long-running process does not grow.
 */
const FOLD_CACHE_MAX = 50_000;

/** Lower-case, accents stripped, apostrophes/hyphens/punctuation to spaces, single spaces. */
export const foldName: (text: string) => string = memo(foldUncached);

/**
 * Folds `text` one character at a time through a table of what each character of the Latin blocks
 * becomes (letters, a separator or nothing), itself made by the full fold: ~10× faster than the
 * Unicode normalisation and property regexes on a name, and the same result. Text with any other
 * character takes the full fold.
 */
function foldUncached(text: string): string {
  let out = '';
  let space = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const folded = c < TABLE_SIZE ? (charTable[c] ?? tableEntry(c)) : null;
    if (folded === null) return foldFull(text);
    if (folded === SEPARATOR) space = out !== '';
    else if (folded !== '') {
      if (space) out += ' ';
      space = false;
      out += folded;
    }
  }
  return out;
}

/** Characters below U+0250: Basic Latin, Latin-1, Latin Extended-A and -B (French names and then some). */
const TABLE_SIZE = 0x250;
const SEPARATOR = ' ';
/** What each character folds to (letters or digits, SEPARATOR, '' for a mark), or null: fold such text in full. */
const charTable: (string | null | undefined)[] = new Array(TABLE_SIZE);

/** The full fold of the character between two letters tells what it becomes alone. */
function tableEntry(c: number): string | null {
  const between = foldFull(`a${String.fromCharCode(c)}a`);
  const folded = between.slice(1, -1);
  const plain = between.length >= 2 && between[0] === 'a' && between.at(-1) === 'a' && (folded === SEPARATOR || !folded.includes(' '));
  charTable[c] = plain ? folded : null;
  return charTable[c]!;
}

/** The fold itself (the rule): what foldUncached gives for any text. */
export function foldFull(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/œ/g, 'oe')
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function words(text: string): string[] {
  const folded = foldName(text);
  return folded === '' ? [] : folded.split(' ');
}

/**
 * Words of a family name plus every joined tail of two words or more:
 * `DE LA FONTAINE` → de la fontaine delafontaine lafontaine;
 * `D'ARTAGNAN` → d artagnan dartagnan.
 */
function familyNameTerms(name: string): string[] {
  const w = words(name);
  const terms = [...w];
  for (let i = 0; i < w.length - 1; i++) terms.push(w.slice(i).join(''));
  return terms;
}

/** First names: each word, plus hyphenated compounds joined (`Jean-Pierre` → jean pierre jeanpierre). */
function firstNameTerms(firstNames: string): string[] {
  const terms: string[] = [];
  for (const part of firstNames.split(/\s+/)) {
    const w = words(part);
    terms.push(...w);
    if (w.length > 1) terms.push(w.join(''));
  }
  return terms;
}

/** Bounded memo of `make(key)`: names repeat a lot, and an import asks for the same ones again and again. */
function memo<T>(make: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined) {
      if (cache.size >= FOLD_CACHE_MAX) cache.clear();
      v = make(key);
      cache.set(key, v);
    }
    return v;
  };
}

/** A family name's terms, duplicates dropped (first occurrence kept), with their set. */
const familyTermsOf = memo((name) => {
  const set = new Set(familyNameTerms(name));
  return { set, text: [...set].join(' ') };
});
const firstTermsOf = memo((firstNames) => [...new Set(firstNameTerms(firstNames))]);

/**
 * The text indexed for an elector (FTS5 column): its family names' then first names' terms, each
 * once, in that order. The parts are memoised (an import of 100 000 electors meets a few thousand
 * names): about half the time of building the terms of each elector.
 */
export function searchTextOf(names: { birthName: string; usageName: string | null; firstNames: string }): string {
  let family = familyTermsOf(names.birthName);
  if (names.usageName && names.usageName !== names.birthName) {
    const set = new Set([...family.set, ...familyTermsOf(names.usageName).set]);
    family = { set, text: [...set].join(' ') };
  }
  let text = family.text;
  for (const t of firstTermsOf(names.firstNames)) if (!family.set.has(t)) text = text === '' ? t : `${text} ${t}`;
  return text;
}

/**
 * Words to look up, as prefixes, for what was typed ("d'art" → d, art).
 * Letters and digits only, so they can be quoted into an FTS5 query as is.
 * Empty when nothing searchable was typed (the caller lists everything).
 */
export function searchTermsOf(typed: string): string[] {
  return words(typed).slice(0, 8);
}

/** Sort key for "nom de naissance puis prénoms": folded, so accents do not scatter the order. */
export function sortKeyOf(name: string): string {
  return foldName(name);
}
