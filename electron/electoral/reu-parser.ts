/**
 * REU extract (CSV) → electors. The file lands whole or not at all: the
 * first bad row stops the import with its line number and a French reason
 * (shown to the agent, who has electoral.read); the log detail names the
 * line and the field, never the person.
 */
import { hash } from 'node:crypto';
import { electorBaseId } from '../../shared/electoral/elector-id.js';
import Papa from 'papaparse';
import { GuichetError } from '../../shared/errors.js';
import {
  REU_FIELDS,
  REU_REQUIRED_FIELDS,
  fieldLabel,
  fieldOfHeader,
  infoFromFileName,
  isCalendarDate,
  type ReuField,
} from '../../shared/electoral/reu-columns.js';
import { foldName } from '../../shared/electoral/normalize.js';
import { electorSchema } from '../../shared/electoral/schemas.js';
import { LIST_TYPES, type Elector, type ListType } from '../../shared/electoral/types.js';
import { decodeExtract, lineOfOffset, refuseNonText, type ExtractEncoding } from './reu-decode.js';

export interface ParsedExtract {
  fileName: string;
  encoding: ExtractEncoding;
  extractDate: string | null;
  communeCode: string | null;
  electors: Elector[];
  counts: Record<ListType, number>;
  /** French, no personal data. */
  warnings: string[];
}

export type ParseProgress = (phase: 'lecture' | 'controle', done: number, total: number) => void;

const PROGRESS_STEP = 5000;

function rejected(line: number, message: string, detail: string): GuichetError {
  return new GuichetError('import_rejected', `Ligne ${line} : ${message}`, `line=${line} ${detail}`);
}

function listTypeOfLabel(label: string): ListType | null {
  const k = foldName(label);
  if (k === '') return null;
  const upper = k.toUpperCase();
  if ((LIST_TYPES as readonly string[]).includes(upper)) return upper as ListType;
  if (k.includes('principale')) return 'LP';
  if (k.includes('municipale')) return 'LCM';
  if (k.includes('europeenne')) return 'LCE';
  return null;
}

/** `JJ/MM/AAAA` → `AAAA-MM-JJ`, keeping `00` for an unknown day or month; a bare year gives `AAAA-00-00`. */
export function parseReuDate(raw: string): { date: string; uncertain: boolean } | null {
  const s = raw.trim();
  const plain = plainDate(s);
  if (plain !== null) return plain || null;
  const full = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  const yearOnly = /^(\d{4})$/.exec(s);
  if (!full && !yearOnly) return null;
  const year = Number(full ? full[3] : yearOnly![1]);
  if (year < 1850 || year > 2100) return null;
  if (yearOnly) return { date: `${yearOnly[1]}-00-00`, uncertain: true };
  const day = Number(full![1]);
  const month = Number(full![2]);
  if (month > 12 || day > 31) return null;
  if (month !== 0 && day !== 0 && !isCalendarDate(year, month, day)) return null;
  return { date: `${year}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`, uncertain: day === 0 || month === 0 };
}

const digit = (s: string, i: number) => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
};

/**
 * parseReuDate for the form nearly every row has, `JJ/MM/AAAA` with two-digit day and month,
 * read without regular expressions (two per row otherwise); false when that form is invalid,
 * null for any other form.
 */
function plainDate(s: string): { date: string; uncertain: boolean } | false | null {
  if (s.length !== 10 || s.charCodeAt(2) !== 47 || s.charCodeAt(5) !== 47) return null;
  const day = digit(s, 0) * 10 + digit(s, 1);
  const month = digit(s, 3) * 10 + digit(s, 4);
  const year = digit(s, 6) * 1000 + digit(s, 7) * 100 + digit(s, 8) * 10 + digit(s, 9);
  if (Number.isNaN(day + month + year)) return null;
  if (year < 1850 || year > 2100 || month > 12 || day > 31) return false;
  if (month !== 0 && day !== 0 && !isCalendarDate(year, month, day)) return false;
  return { date: `${s.slice(6)}-${s.slice(3, 5)}-${s.slice(0, 2)}`, uncertain: day === 0 || month === 0 };
}

/** A spreadsheet re-save drops leading zeros ("0001" → "1"): put them back on numeric codes. */
function padCode(value: string, width: number): string {
  return value.length < width && value !== '' && /^\d+$/.test(value) ? value.padStart(width, '0') : value;
}

/**
 * Longest value the hub accepts for each column, read from its import schema
 * (shared/electoral/schemas.ts) so both sides agree: a longer value is
 * refused here, with its line, rather than by the hub after the local import.
 */
const LENGTH_LIMITS: { field: ReuField; max: number; value: (e: Elector) => string | null }[] = (() => {
  const max = (schema: unknown): number => {
    const s = schema as { maxLength?: number | null; unwrap?: () => unknown };
    const inner = typeof s.maxLength === 'number' ? s : ((s.unwrap?.() ?? s) as { maxLength?: number | null });
    return typeof inner.maxLength === 'number' ? inner.maxLength : Infinity;
  };
  const sh = electorSchema.shape;
  const place = sh.birthPlace.shape;
  const addr = sh.address.shape;
  const limits: { field: ReuField; max: number; value: (e: Elector) => string | null }[] = [
    { field: 'ine', max: max(sh.ine), value: (e) => e.ine },
    { field: 'birthName', max: max(sh.birthName), value: (e) => e.birthName },
    { field: 'usageName', max: max(sh.usageName), value: (e) => e.usageName },
    { field: 'firstNames', max: max(sh.firstNames), value: (e) => e.firstNames },
    { field: 'birthCommuneCode', max: max(place.communeCode), value: (e) => e.birthPlace.communeCode },
    { field: 'birthCommuneLabel', max: max(place.communeLabel), value: (e) => e.birthPlace.communeLabel },
    { field: 'birthDepartementCode', max: max(place.departementCode), value: (e) => e.birthPlace.departementCode },
    { field: 'birthCountry', max: max(place.country), value: (e) => e.birthPlace.country },
    { field: 'nationalityCode', max: max(sh.nationality), value: (e) => e.nationality },
    { field: 'streetNumber', max: max(addr.number), value: (e) => e.address.number },
    { field: 'streetLabel', max: max(addr.street), value: (e) => e.address.street },
    { field: 'complement1', max: max(addr.complement1), value: (e) => e.address.complement1 },
    { field: 'complement2', max: max(addr.complement2), value: (e) => e.address.complement2 },
    { field: 'lieuDit', max: max(addr.lieuDit), value: (e) => e.address.lieuDit },
    { field: 'postalCode', max: max(addr.postalCode), value: (e) => e.address.postalCode },
    { field: 'city', max: max(addr.city), value: (e) => e.address.city },
    { field: 'country', max: max(addr.country), value: (e) => e.address.country },
    { field: 'bureauCode', max: max(sh.bureau.shape.code), value: (e) => e.bureau.code },
    { field: 'bureauLabel', max: max(sh.bureau.shape.label), value: (e) => e.bureau.label },
  ];
  return limits.filter((l) => l.max !== Infinity);
})();

/**
 * `s.trim()`, without the call when both ends are visible ASCII (nearly every field: 2.7 million
 * on 100 000 rows).
 */
function trim(s: string): string {
  const n = s.length;
  if (n === 0) return s;
  const a = s.charCodeAt(0),
    b = s.charCodeAt(n - 1);
  return a > 32 && a < 127 && b > 32 && b < 127 ? s : s.trim();
}

const squeeze = (s: string) => (s.includes('  ') ? s.replace(/\s+/g, ' ') : s);

const sha256hex = (text: string) => hash('sha256', text, 'hex');
const baseIdOf = (e: Elector): string => electorBaseId(e, sha256hex);

export function parseReuExtract(fileName: string, bytes: Uint8Array, onProgress?: ParseProgress): ParsedExtract {
  const { text, encoding } = decodeChecked(bytes);
  let reader = createReader(fileName, text, encoding, onProgress);
  const simple = splitSimpleCsv(text, reader.row);
  while (simple.next() === 'pause');
  if (simple.unsupported) {
    reader = createReader(fileName, text, encoding, onProgress);
    Papa.parse<string[]>(text, { ...CSV_OPTIONS, step: (result, parser) => reader.step(result, parser) });
  }
  return reader.finish();
}

/**
 * Same as parseReuExtract, giving the event loop a turn every PROGRESS_STEP
 * rows: on the main thread (import-host.ts falls back to it) a 100 000-row
 * file would otherwise block IPC (and the progress events it emits) for a
 * second or two.
 */
export async function parseReuExtractAsync(fileName: string, bytes: Uint8Array, onProgress?: ParseProgress): Promise<ParsedExtract> {
  const { text, encoding } = decodeChecked(bytes);
  let reader = createReader(fileName, text, encoding, onProgress);
  const simple = splitSimpleCsv(text, reader.row);
  while (simple.next() === 'pause') await new Promise<void>((resolve) => setImmediate(resolve));
  if (simple.unsupported) {
    reader = createReader(fileName, text, encoding, onProgress);
    await new Promise<void>((resolve) => {
      Papa.parse<string[]>(text, {
        ...CSV_OPTIONS,
        step: (result, parser) => {
          if (reader.step(result, parser)) {
            parser.pause();
            setImmediate(() => parser.resume());
          }
        },
        complete: () => resolve(),
      });
    });
  }
  return reader.finish();
}

/** The one entry of every parse: a PDF, a spreadsheet or an image is named as such before any line is read. */
function decodeChecked(bytes: Uint8Array): { text: string; encoding: ExtractEncoding } {
  refuseNonText(bytes);
  return decodeExtract(bytes);
}

/**
 * Papa Parse rather than csv-parse: on a 100 000-row extract (21 MB, every
 * field quoted) it reads the rows in ~0.45 s instead of ~0.9 s, as arrays of
 * strings (no casting, no per-record info objects), and ~0.28 s row by row
 * (`step`): each row array is checked and dropped while still young, instead
 * of 100 000 arrays of 27 strings surviving into the old generation until
 * the checks run (that garbage collection was a third of the parse). It does
 * not throw: a syntax problem comes back in the row's `errors`, and any is a
 * refusal. Extracts as the REU writes them take a faster path first (splitSimpleCsv).
 */
const CSV_OPTIONS = { delimiter: ';', skipEmptyLines: true } as const;

/** What the reader wants after a row: the next one, the next after a turn of the event loop, or no more (refused). */
type RowAnswer = 'next' | 'yield' | 'stop';

const QUOTE = 34,
  SEMICOLON = 59,
  LF = 10,
  CR = 13;

/** Whether `text` ends its lines with CRLF only (true), LF only (false), or mixes them or uses bare CR (null). */
function lineEnds(text: string): boolean | null {
  if (text.indexOf('\r') === -1) return false;
  let cr = 0,
    lf = 0,
    crlf = 0;
  for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) cr++;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lf++;
  for (let i = text.indexOf('\r\n'); i !== -1; i = text.indexOf('\r\n', i + 2)) crlf++;
  return cr === crlf && lf === crlf ? true : null;
}

/**
 * The REU writes the plainest CSV there is: `;`, one line per row, each field
 * either bare (no `"`) or wholly between quotes with no `"` and no line break
 * inside (reference: every field quoted but the last, empty fields bare). Such
 * text is cut here in one pass over its characters, into one array reused for
 * every row (no per-row objects, no regular expression per quoted field as in
 * Papa Parse): on 100 000 rows the cutting takes ~0.15 s of CPU instead of
 * Papa Parse's ~0.35 s, and the whole parse with its checks ~20 % less; `onRow`
 * gets exactly the rows Papa Parse gives (empty lines skipped). At the first
 * thing outside that shape (an escaped `""`, a field spanning lines, text after
 * a closing quote, mixed line ends…) it sets `unsupported` and stops: the
 * caller then reads the whole file with Papa Parse, whose rules and refusals
 * stay the reference. The rows handed over before that point are the ones Papa
 * Parse gives too, so a refusal met there is the same refusal.
 */
export function splitSimpleCsv(
  text: string,
  onRow: (fields: string[], length: number) => RowAnswer,
): { next(): 'pause' | 'end'; unsupported: boolean } {
  const crlf = lineEnds(text);
  const n = text.length;
  const fields: string[] = [];
  let pos = 0;
  const state = {
    unsupported: crlf === null,
    /** Reads rows until `onRow` asks for a turn of the event loop ('pause'), or to the end, a refusal or an unsupported shape ('end'). */
    next(): 'pause' | 'end' {
      if (state.unsupported) return 'end';
      while (pos < n) {
        let count = 0;
        let rowEnd = false;
        while (!rowEnd) {
          let j = pos;
          let c = -1;
          if (j < n && text.charCodeAt(j) === QUOTE) {
            for (j = pos + 1; j < n; j++) {
              c = text.charCodeAt(j);
              if (c === QUOTE || c === LF || c === CR) break;
            }
            if (c !== QUOTE || j === n) {
              state.unsupported = true;
              return 'end';
            }
            fields[count++] = text.slice(pos + 1, j);
            j++;
            c = j < n ? text.charCodeAt(j) : -1;
            if (c !== SEMICOLON && c !== LF && c !== CR && c !== -1) {
              state.unsupported = true;
              return 'end';
            }
          } else {
            for (; j < n; j++) {
              c = text.charCodeAt(j);
              if (c === SEMICOLON || c === LF || c === CR) break;
              if (c === QUOTE) {
                state.unsupported = true;
                return 'end';
              }
            }
            if (j === n) c = -1;
            fields[count++] = text.slice(pos, j);
          }
          // Here `c` is what ends the field: `;`, a line end (CRLF checked by lineEnds) or the end of the text.
          if (c === SEMICOLON) pos = j + 1;
          else {
            pos = c === CR ? j + 2 : j + 1;
            rowEnd = true;
          }
        }
        if (count === 1 && fields[0] === '') continue;
        const answer = onRow(fields, count);
        if (answer === 'stop') return 'end';
        if (answer === 'yield') return 'pause';
      }
      return 'end';
    },
  };
  return state;
}

interface Reader {
  /** Checks one row (`row[0…length)`): the first refusal is kept for finish() and stops the reading. */
  row(row: string[], length: number): RowAnswer;
  /** The same for a row from Papa Parse; true when the caller may give the event loop a turn. Stops the parser on the first refusal. */
  step(result: Papa.ParseStepResult<string[]>, parser: Papa.Parser): boolean;
  /** The extract, or the refusal met while reading. */
  finish(): ParsedExtract;
}

function createReader(fileName: string, text: string, encoding: ExtractEncoding, onProgress?: ParseProgress): Reader {
  const fromName = infoFromFileName(fileName);

  let estimatedRows = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) estimatedRows++;
  onProgress?.('lecture', 0, estimatedRows);
  // Rows to check, for the progress bar: lines minus the header (a quoted field spanning lines makes it an overestimate).
  const estimatedTotal = Math.max(1, estimatedRows - (text.endsWith('\n') ? 1 : 0));

  /**
   * Line number of record r for messages (a quoted field may span lines):
   * only computed when a row is refused (rare), by parsing again up to that
   * record and counting the line breaks before its end.
   */
  const lineOf = (r: number): number => {
    let end = Papa.parse<string[]>(text, { ...CSV_OPTIONS, preview: r + 1 }).meta.cursor;
    while (end > 0 && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
    return lineOfOffset(text, end);
  };

  let failure: Error | null = null;
  let r = 0; // index of the record being read (0 = header)
  let width = 0;
  let idx = {} as Record<ReuField, number>;
  /** First row with a wrong field count: refused when the next row arrives, or at the end as a probable truncation. */
  let shortRow: { r: number; length: number } | null = null;

  const electors: Elector[] = [];
  const counts: Record<ListType, number> = { LP: 0, LCM: 0, LCE: 0 };
  const occurrences = new Map<string, number>();
  const numeros = new Set<string>();
  let noFirstNames = 0,
    uncertainDates = 0,
    noBureau = 0,
    homonyms = 0,
    duplicateNumeros = 0;
  const listTypes = new Map<string, ListType | null>();
  let ugle: string | null = null;

  const orNull = (s: string) => (s === '' ? null : s);
  const at = (row: string[], f: ReuField) => {
    const i = idx[f];
    return i < 0 ? '' : trim(row[i] ?? '');
  };
  const fieldCountError = (bad: { r: number; length: number }, last: boolean) =>
    rejected(
      lineOf(bad.r),
      `la ligne a ${bad.length} champ${bad.length > 1 ? 's' : ''} au lieu de ${width}${last ? ' (fichier tronqué ?)' : ''}.`,
      `reason=field_count got=${bad.length} expected=${width}`,
    );

  function readHeader(header: string[]): void {
    const column = new Map<ReuField, number>();
    header.forEach((h, i) => {
      const f = fieldOfHeader(h);
      if (f && !column.has(f)) column.set(f, i);
    });
    const missing: ReuField[] = REU_REQUIRED_FIELDS.filter((f) => !column.has(f));
    if (!column.has('listLabel') && !fromName.listType) missing.push('listLabel');
    if (missing.length > 0) {
      throw new GuichetError(
        'import_rejected',
        `Ce fichier n'est pas un extrait du REU reconnu : colonne${missing.length > 1 ? 's' : ''} absente${missing.length > 1 ? 's' : ''} ${missing.map((f) => `« ${fieldLabel(f)} »`).join(', ')}.`,
        `reason=missing_columns fields=${missing.join(',')} headers=${header.length}`,
      );
    }
    width = header.length;
    idx = Object.fromEntries(REU_FIELDS.map((f) => [f, column.get(f) ?? -1])) as Record<ReuField, number>;
  }

  function readRow(row: string[], length: number): void {
    if (shortRow) throw fieldCountError(shortRow, false);
    if (length !== width) {
      // A spreadsheet may pad rows with empty trailing cells; anything else is a broken or truncated row.
      const padded = length > width && row.slice(width, length).every((v) => v.trim() === '');
      if (!padded) {
        shortRow = { r, length };
        return;
      }
    }
    const rowUgle = padCode(at(row, 'ugleCode'), 5);
    if (ugle === null) ugle = rowUgle;
    if (rowUgle !== ugle) {
      throw rejected(
        lineOf(r),
        `l'extrait mélange plusieurs communes (${ugle || 'sans code'} et ${rowUgle || 'sans code'}) : importez l'extrait d'une seule commune.`,
        'reason=mixed_ugle',
      );
    }
    const listLabel = at(row, 'listLabel');
    let listType = listTypes.get(listLabel);
    if (listType === undefined) {
      listType = listTypeOfLabel(listLabel) ?? (listLabel === '' ? fromName.listType : null);
      listTypes.set(listLabel, listType);
    }
    if (!listType) throw rejected(lineOf(r), `le type de liste « ${listLabel} » est inconnu.`, 'reason=unknown_list_type');
    const birthName = at(row, 'birthName');
    if (birthName === '') throw rejected(lineOf(r), 'le nom de naissance est absent.', 'reason=missing_birth_name');
    const rawDate = at(row, 'birthDate');
    if (rawDate === '') throw rejected(lineOf(r), 'la date de naissance est absente.', 'reason=missing_birth_date');
    const date = parseReuDate(rawDate);
    if (!date) throw rejected(lineOf(r), `la date de naissance est invalide (${rawDate}).`, 'reason=invalid_birth_date');
    if (date.uncertain) uncertainDates++;
    const numeroRaw = at(row, 'numeroOrdre');
    if (numeroRaw !== '' && !/^\d{1,7}$/.test(numeroRaw)) {
      throw rejected(lineOf(r), `le numéro d'ordre « ${numeroRaw} » n'est pas un nombre.`, 'reason=invalid_numero_ordre');
    }
    const sexRaw = at(row, 'sex').toUpperCase();
    const firstNames = squeeze(at(row, 'firstNames'));
    if (firstNames === '') noFirstNames++;
    const bureauCode = padCode(at(row, 'bureauCode'), 4);
    // Real extracts have a few electors without a bureau: kept (empty code) and counted in a warning.
    if (bureauCode === '') noBureau++;
    const usageName = at(row, 'usageName');

    // Built once, `id` first (the key order of `Elector` and the hub schema), the id filled in below.
    const e: Elector = {
      id: '',
      ine: orNull(at(row, 'ine')),
      listType,
      birthName: squeeze(birthName),
      usageName: orNull(squeeze(usageName)),
      firstNames,
      sex: sexRaw === 'M' || sexRaw === 'F' ? sexRaw : null,
      birthDate: date.date,
      birthPlace: {
        communeCode: orNull(padCode(at(row, 'birthCommuneCode'), 5)),
        communeLabel: orNull(at(row, 'birthCommuneLabel')),
        departementCode: orNull(padCode(at(row, 'birthDepartementCode'), 2)),
        country: orNull(at(row, 'birthCountry')),
      },
      nationality: orNull(at(row, 'nationalityCode')) ?? orNull(at(row, 'nationalityLabel')),
      address: {
        number: orNull(at(row, 'streetNumber')),
        street: orNull(at(row, 'streetLabel')),
        complement1: orNull(at(row, 'complement1')),
        complement2: orNull(at(row, 'complement2')),
        lieuDit: orNull(at(row, 'lieuDit')),
        postalCode: orNull(padCode(at(row, 'postalCode'), 5)),
        city: orNull(at(row, 'city')),
        country: orNull(at(row, 'country')),
      },
      bureau: { code: bureauCode, label: orNull(at(row, 'bureauLabel')) },
      numeroOrdre: numeroRaw === '' ? null : Number(numeroRaw),
    };
    for (const limit of LENGTH_LIMITS) {
      const v = limit.value(e);
      if (v !== null && v.length > limit.max) {
        throw rejected(
          lineOf(r),
          `la colonne « ${fieldLabel(limit.field)} » est trop longue (${v.length} caractères, ${limit.max} au plus).`,
          `reason=too_long field=${limit.field} length=${v.length}`,
        );
      }
    }
    const base = baseIdOf(e);
    const seen = (occurrences.get(base) ?? 0) + 1;
    occurrences.set(base, seen);
    if (seen === 2) homonyms++;
    if (e.numeroOrdre !== null) {
      const key = `${listType}|${bureauCode}|${e.numeroOrdre}`;
      if (numeros.has(key)) duplicateNumeros++;
      else numeros.add(key);
    }
    counts[listType]++;
    e.id = seen === 1 ? base : `${base}-${seen}`;
    electors.push(e);
  }

  /** Checks record r (0 = header) and moves on; the refusal, if any, is kept for finish(). */
  function read(row: string[], length: number): RowAnswer {
    if (failure) return 'stop';
    try {
      if (r === 0) readHeader(row.slice(0, length));
      else readRow(row, length);
    } catch (err) {
      failure = err as Error;
      return 'stop';
    }
    r++;
    if (r > 1 && (r - 1) % PROGRESS_STEP === 0) {
      onProgress?.('controle', r - 1, estimatedTotal);
      return 'yield';
    }
    return 'next';
  }

  return {
    row: read,
    step(result, parser) {
      if (failure) return false;
      const syntax = result.errors[0];
      if (syntax) {
        const reason =
          syntax.code === 'MissingQuotes'
            ? 'le fichier est tronqué (un champ entre guillemets ne se termine jamais).'
            : 'la ligne est mal formée (guillemets ou séparateurs incorrects).';
        failure = rejected(
          syntax.code === 'MissingQuotes' ? lineOfOffset(text, text.length) : lineOf(r),
          reason,
          `reason=csv_syntax code=${syntax.code}`,
        );
      }
      const answer = failure ? 'stop' : read(result.data, result.data.length);
      if (answer === 'stop') parser.abort();
      return answer === 'yield';
    },
    finish() {
      if (failure) throw failure;
      if (r === 0) throw new GuichetError('import_rejected', 'Le fichier est vide.', 'reason=empty_file');
      if (shortRow) throw fieldCountError(shortRow, true);
      if (electors.length === 0) throw new GuichetError('import_rejected', 'Le fichier ne contient aucun électeur.', 'reason=no_rows');
      const total = electors.length;
      onProgress?.('controle', total, total);

      const warnings: string[] = [];
      const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;
      if (noFirstNames) warnings.push(`${plural(noFirstNames, 'électeur', 'électeurs')} sans prénom.`);
      if (uncertainDates)
        warnings.push(
          `${plural(uncertainDates, 'date de naissance incomplète', 'dates de naissance incomplètes')} (jour ou mois inconnu, noté « 00 »).`,
        );
      if (noBureau) warnings.push(`${plural(noBureau, 'électeur', 'électeurs')} sans bureau de vote.`);
      if (homonyms)
        warnings.push(`${plural(homonyms, 'groupe', 'groupes')} d'homonymes à l'identité identique : gardés comme personnes distinctes.`);
      if (duplicateNumeros)
        warnings.push(
          `${plural(duplicateNumeros, "numéro d'ordre en double", "numéros d'ordre en double")} dans un même bureau (tel que fourni par le REU).`,
        );

      return {
        fileName,
        encoding,
        extractDate: fromName.extractDate,
        communeCode: ugle || fromName.communeCode,
        electors,
        counts,
        warnings,
      };
    },
  };
}
