/**
 * Reads the découpage from a CSV (`voie;debut;fin;parite;bureau`, `;` or `,`,
 * UTF-8 or Windows-1252 as a spreadsheet saves it): every line is checked with
 * the shared rule (shared/electoral/streets.ts) and the first bad one refuses
 * the whole file with its line number — nothing lands half.
 */
import Papa from 'papaparse';
import { type Parity, streetRangeSchema, type StreetRange, checkStreetRange } from '../../../shared/electoral/streets.js';
import { GuichetError } from '../../../shared/errors.js';
import { decodeExtract, nonTextKindOf } from '../reu-decode.js';

type Column = 'street' | 'from' | 'to' | 'parity' | 'bureauCode';
/** Header spellings accepted per column (compared folded). */
const HEADERS: Record<Column, string[]> = {
  street: ['voie', 'libelle de voie', 'libelle voie', 'rue', 'nom de la voie'],
  from: ['debut', 'de', 'du numero', 'numero debut', 'premier numero', 'numero de debut'],
  to: ['fin', 'a', 'au numero', 'numero fin', 'dernier numero', 'numero de fin'],
  parity: ['parite', 'cote', 'numeros'],
  bureauCode: ['bureau', 'code bureau', 'code du bureau de vote', 'bureau de vote'],
};

const fold = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

const refuse = (message: string, detail: string) => new GuichetError('import_rejected', message, detail);

function parityOf(raw: string, line: number): Parity {
  const v = fold(raw);
  if (v === '' || v === 'toutes' || v === 'tous' || v === 't' || v === 'tous les numeros') return 'toutes';
  if (v === 'pairs' || v === 'pair' || v === 'p') return 'pairs';
  if (v === 'impairs' || v === 'impair' || v === 'i') return 'impairs';
  throw refuse(`Ligne ${line} : parité « ${raw} » inconnue (écrivez pairs, impairs ou toutes).`, `line=${line} reason=parity`);
}

function numberOf(raw: string, line: number, what: string): number | null {
  const v = raw.trim();
  if (v === '') return null;
  if (!/^\d{1,5}$/.test(v)) throw refuse(`Ligne ${line} : le ${what} « ${v} » n’est pas un numéro.`, `line=${line} reason=number`);
  return Number(v);
}

/** The lines of the file, checked one by one (ids and stamps given by the caller). */
export function parseStreetCsv(
  bytes: Uint8Array,
  make: (line: Omit<StreetRange, 'id' | 'createdBy' | 'createdAtLocal'>) => StreetRange,
): StreetRange[] {
  const kind = nonTextKindOf(bytes);
  if (kind)
    throw refuse(
      `Ce fichier est ${kind}, pas un fichier CSV : enregistrez le tableau du découpage au format CSV (séparateur « ; »).`,
      'not csv',
    );
  const { text } = decodeExtract(bytes);
  const parsed = Papa.parse<string[]>(text.trim(), { delimiter: text.split('\n', 1)[0]!.includes(';') ? ';' : ',', skipEmptyLines: true });
  const [header, ...rows] = parsed.data;
  if (!header) throw refuse('Le fichier est vide : une ligne d’en-tête (voie;debut;fin;parite;bureau) est attendue.', 'empty');
  const index = {} as Record<Column, number>;
  for (const col of Object.keys(HEADERS) as Column[]) {
    const at = header.findIndex((h) => HEADERS[col].includes(fold(h)));
    if (at < 0 && (col === 'street' || col === 'bureauCode'))
      throw refuse(
        `La colonne « ${col === 'street' ? 'voie' : 'bureau'} » manque : la première ligne doit nommer les colonnes voie;debut;fin;parite;bureau.`,
        `missing column ${col}`,
      );
    index[col] = at;
  }
  const cell = (row: string[], col: Column) => (index[col] >= 0 ? (row[index[col]] ?? '').trim() : '');
  return rows.map((row, i) => {
    const line = i + 2;
    const draft = {
      street: cell(row, 'street'),
      from: numberOf(cell(row, 'from'), line, 'premier numéro'),
      to: numberOf(cell(row, 'to'), line, 'dernier numéro'),
      parity: parityOf(cell(row, 'parity'), line),
      bureauCode: cell(row, 'bureauCode').replace(/^\d{1,3}$/, (c) => c.padStart(4, '0')),
    };
    const checked = streetRangeSchema.safeParse(make(draft));
    if (!checked.success)
      throw refuse(`Ligne ${line} : ${checked.error.issues[0]?.message ?? 'ligne invalide'}`, `line=${line} reason=schema`);
    const refusal = checkStreetRange(checked.data);
    if (refusal) throw refuse(`Ligne ${line} : ${refusal.message}`, `line=${line} ${refusal.detail}`);
    return checked.data;
  });
}
