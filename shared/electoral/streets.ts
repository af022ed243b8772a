/**
 * The commune's découpage, street by street (reference note D3.4): a line says
 * which bureau the numbers `from`…`to` (odd, even or all) of a voie vote in.
 * The secretary keeps the table (by hand or from a CSV); the address → bureau
 * lookup reads it first and falls back on the electors' own streets. The one
 * home of the street rules: the PC runs them before it queues a line, the hub
 * on every push (collection `electoral.streets`), and the CSV import per line.
 */
import { z } from 'zod';
import type { RuleRefusal, WriteAttempt } from '../domain/spec.js';

export const PARITIES = ['toutes', 'impairs', 'pairs'] as const;
export type Parity = (typeof PARITIES)[number];
export const PARITY_LABELS: Record<Parity, string> = { toutes: 'tous les numéros', impairs: 'numéros impairs', pairs: 'numéros pairs' };

/** Highest house number a line may name (a rural route reaches a few thousand). */
export const MAX_HOUSE_NUMBER = 99_999;

const houseNumber = z.number().int().min(0).max(MAX_HOUSE_NUMBER).nullable();

export const streetRangeSchema = z.object({
  id: z.string().uuid(),
  /** The voie as people write it (« Rue de la République »); matched folded (streetKey). */
  street: z.string().trim().min(2, 'Le nom de la voie est obligatoire.').max(200),
  /** First and last number of the range; null = from the start / to the end of the voie. */
  from: houseNumber,
  to: houseNumber,
  parity: z.enum(PARITIES),
  bureauCode: z.string().trim().min(1, 'Le bureau de vote est obligatoire.').max(4),
  createdBy: z.string().max(100),
  createdAtLocal: z.string().max(40),
});
export type StreetRange = z.infer<typeof streetRangeSchema>;

/** The usual abbreviations of a voie's type (BAN, REU and hand-typed addresses mix them). */
const ABBREVIATIONS: Record<string, string> = {
  R: 'RUE',
  AV: 'AVENUE',
  AVE: 'AVENUE',
  BD: 'BOULEVARD',
  BLD: 'BOULEVARD',
  PL: 'PLACE',
  CHE: 'CHEMIN',
  CHEM: 'CHEMIN',
  IMP: 'IMPASSE',
  ALL: 'ALLEE',
  RTE: 'ROUTE',
  FBG: 'FAUBOURG',
  QU: 'QUAI',
  SQ: 'SQUARE',
  ST: 'SAINT',
  STE: 'SAINTE',
  PT: 'PETIT',
  GD: 'GRAND',
  GDE: 'GRANDE',
};

/** A voie folded for matching: no accents, case, punctuation; abbreviations spelled out. */
export function streetKey(street: string): string {
  return street
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean)
    .map((w) => ABBREVIATIONS[w] ?? w)
    .join(' ');
}

/** « 12 bis, rue de la République » → number 12 and the voie; no number → null. */
export function splitAddress(address: string): { number: number | null; street: string } {
  const m = /^\s*(\d{1,5})\s*(?:bis|ter|quater|[a-d](?![a-z]))?\s*,?\s*(.*)$/i.exec(address);
  if (!m) return { number: null, street: address.trim() };
  return { number: Number(m[1]), street: m[2]!.trim() };
}

const refuse = (code: RuleRefusal['code'], message: string, detail: string): RuleRefusal => ({ code, message, detail });

/** One line on its own: a range that goes forward and whose parity its bounds respect. */
export function checkStreetRange(r: StreetRange): RuleRefusal | null {
  if (streetKey(r.street).length < 2) return refuse('invalid_input', 'Le nom de la voie est obligatoire.', 'empty street key');
  if (r.from !== null && r.to !== null && r.to < r.from)
    return refuse(
      'invalid_input',
      `Voie « ${r.street} » : le dernier numéro (${r.to}) précède le premier (${r.from}).`,
      'street range reversed',
    );
  const wrong = (n: number | null) =>
    n !== null && n > 0 && ((r.parity === 'pairs' && n % 2 === 1) || (r.parity === 'impairs' && n % 2 === 0));
  if (wrong(r.from) || wrong(r.to))
    return refuse(
      'invalid_input',
      `Voie « ${r.street} » : une plage de numéros ${r.parity} commence et finit par un numéro ${r.parity === 'pairs' ? 'pair' : 'impair'}.`,
      'street range bounds against parity',
    );
  return null;
}

/** `electoral.streets` write rule (PC and hub): a checked line; a line may be corrected or removed (the table is the secretary's). */
export function checkStreetWrite({ after }: WriteAttempt<StreetRange>): RuleRefusal | null {
  return after ? checkStreetRange(after) : null;
}

const parityOk = (p: Parity, n: number) => p === 'toutes' || (p === 'pairs' ? n % 2 === 0 : n % 2 === 1);
const inRange = (r: Pick<StreetRange, 'from' | 'to' | 'parity'>, n: number) =>
  (r.from === null || n >= r.from) && (r.to === null || n <= r.to) && parityOk(r.parity, n);

/** Two lines of one voie claim a same number for different bureaux (one number, one bureau). */
function overlap(a: StreetRange, b: StreetRange): boolean {
  if (streetKey(a.street) !== streetKey(b.street) || a.bureauCode === b.bureauCode) return false;
  if (a.parity !== 'toutes' && b.parity !== 'toutes' && a.parity !== b.parity) return false;
  const lo = Math.max(a.from ?? 0, b.from ?? 0);
  const hi = Math.min(a.to ?? MAX_HOUSE_NUMBER, b.to ?? MAX_HOUSE_NUMBER);
  for (let n = lo; n <= hi && n <= lo + 2; n++) if (inRange(a, n) && inRange(b, n)) return true;
  return false;
}

/**
 * The table as a whole (PC, before a line or an import lands): no number of a voie in two bureaux. The hub
 * checks each line alone — it cannot order two PCs' lines — so two PCs could still write overlapping lines;
 * the lookup then names both bureaux rather than choosing.
 */
export function checkStreetTable(lines: readonly StreetRange[]): RuleRefusal | null {
  const byKey = new Map<string, StreetRange[]>();
  for (const l of lines) byKey.set(streetKey(l.street), [...(byKey.get(streetKey(l.street)) ?? []), l]);
  for (const group of byKey.values())
    for (let i = 0; i < group.length; i++)
      for (let j = i + 1; j < group.length; j++) {
        const [a, b] = [group[i]!, group[j]!];
        if (overlap(a, b))
          return refuse(
            'invalid_input',
            `Voie « ${a.street} » : des numéros sont attribués à deux bureaux (${a.bureauCode} et ${b.bureauCode}) ; corrigez les plages.`,
            'street ranges overlap',
          );
      }
  return null;
}

/** The lines of the table an address falls in (all the voie's lines when no number is given). */
export function matchStreet(lines: readonly StreetRange[], address: string): StreetRange[] {
  const { number, street } = splitAddress(address);
  const key = streetKey(street);
  if (key.length < 2) return [];
  const same = lines.filter((l) => streetKey(l.street) === key);
  return number === null ? same : same.filter((l) => inRange(l, number));
}
