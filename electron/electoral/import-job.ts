/**
 * The heavy, database-free part of an REU import preview, in a form that
 * crosses a worker_threads boundary cheaply: decode + parse + checks + ids
 * (reu-parser.ts), sort keys / search text / display order (prepareList),
 * the diff against the current list, and everything the commit will write,
 * already written or serialised.
 *
 * Why: handing 100 000 `Elector` objects back to the main thread by
 * structured clone costs ~0.9 s of deserialisation *on the main thread* (as
 * long as the parse itself), then binding them row by row ~1.1 s and
 * stringifying them for the outbox ~0.25 s, all inside the commit. Instead
 * the job writes the rows into a staging database file (the commit copies
 * them with `INSERT … SELECT`, see elector-store.ts) and returns a few big
 * strings (a plain copy): the outbox payload's elector array as gzip'd JSON,
 * and the diff entries as JSON fragments parsed a page at a time.
 */
import Database from 'better-sqlite3';
import { webcrypto } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { ImportDiffEntry } from '../../shared/electoral/ipc.js';
import type { Elector, ImportRecord, ListType } from '../../shared/electoral/types.js';
import type { ExtractEncoding } from './reu-decode.js';
import { computeImportDiff } from './import-diff.js';
import { parseReuExtractAsync, type ParseProgress } from './reu-parser.js';
import { prepareList, writeStagingFile, type ComparableElector } from './elector-store.js';
import { preparePrivateSqliteFile } from '../platform/private-files.js';

const gzipAsync = promisify(gzip);

/** Diff entries as JSON fragments joined by commas: entry k ends at `ends[k]`, the next starts one character later. */
export interface EncodedEntries {
  count: number;
  json: string;
  ends: Uint32Array;
}

export function encodeEntries(entries: readonly ImportDiffEntry[]): EncodedEntries {
  const count = entries.length;
  // One JSON.stringify of the whole array (~0.14 s instead of ~0.2-0.28 s, one per entry, on 100 000). Each entry is an object
  // whose first key is `electorId`, and a `"` inside a string is always written `\"`, so `},{"electorId":`
  // occurs only between two entries.
  const all = JSON.stringify(entries);
  const json = all.slice(1, -1);
  const ends = new Uint32Array(count);
  const SEPARATOR = '},{"electorId":';
  let k = 0;
  for (let i = json.indexOf(SEPARATOR); i !== -1; i = json.indexOf(SEPARATOR, i + SEPARATOR.length)) ends[k++] = i + 1;
  if (count > 0) ends[k++] = json.length;
  if (k !== count) throw new Error(`encodeEntries: ${k} entries found in the JSON of ${count}`);
  return { count, json, ends };
}

export function entriesPage(e: EncodedEntries, offset: number, limit: number): ImportDiffEntry[] {
  const from = Math.min(Math.max(0, offset), e.count);
  const to = Math.min(e.count, from + Math.max(0, limit));
  if (to <= from) return [];
  const start = from === 0 ? 0 : e.ends[from - 1] + 1;
  return JSON.parse(`[${e.json.slice(start, e.ends[to - 1])}]`) as ImportDiffEntry[];
}

/** What a preview keeps until the commit, and the commit writes. No `Elector` objects: see the header. */
export interface PreparedImport {
  fileName: string;
  encoding: ExtractEncoding;
  extractDate: string | null;
  communeCode: string | null;
  counts: Record<ListType, number>;
  warnings: string[];
  total: number;
  sha256: string;
  diff: ImportRecord['diff'];
  entries: EncodedEntries;
  /** Database file holding the rows to load (`staged_electors`); the caller deletes it. */
  stagingFile: string;
  /**
   * `Elector[]` in file order, as gzip'd JSON: the `electors` of the `electoral.import` payload,
   * stored compressed in the outbox (gzip level 1: ~0.2 s here for 51 MB → 6 MB, and the commit
   * writes 6 MB instead of 51 MB).
   */
  electorsGzip: Uint8Array;
  /** Where the time went (ms), no personal data. */
  timings: {
    parseMs: number;
    prepareMs: number;
    diffMs: number;
    stageMs: number;
    encodeMs: number /** Parse of the rows half, when split over two workers. */;
    rowsParseMs?: number;
  };
}

export type ImportJobProgress = (phase: 'lecture' | 'controle' | 'comparaison', done: number, total: number) => void;

/** The rows half of the job: parse, sort keys / search text / display order, staging file. */
export interface RowsPart {
  timings: { parseMs: number; prepareMs: number; stageMs: number };
}

/** The other half: everything but the staging file. */
export type PayloadPart = Omit<PreparedImport, 'stagingFile' | 'timings'> & {
  timings: { parseMs: number; diffMs: number; encodeMs: number };
};

function stage(prepared: ReturnType<typeof prepareList>, stagingFile: string): number {
  const t = performance.now();
  // Every elector of the commune: the OS user's only (0600), whatever the umask.
  preparePrivateSqliteFile(stagingFile);
  const staging = new Database(stagingFile);
  try {
    writeStagingFile(staging, prepared);
  } finally {
    staging.close();
  }
  return performance.now() - t;
}

/**
 * SHA-256 of the file (hex), computed on the libuv thread pool (WebCrypto's digest is asynchronous)
 * while this thread parses: ~25 ms for 21 MB, off the job's own thread.
 */
async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');
}

async function parse(fileName: string, bytes: Uint8Array, onProgress?: ImportJobProgress) {
  const t = performance.now();
  const parsed = await parseReuExtractAsync(fileName, bytes, onProgress as ParseProgress | undefined);
  return { parsed, parseMs: performance.now() - t };
}

/**
 * Diff, entries, payload. The payload JSON is compressed on the libuv thread pool (zlib's async
 * API) while this thread goes on (`whileCompressing`: the staging file when the whole job runs
 * here), so the two overlap instead of adding up (~0.2 s on 100 000 electors).
 */
async function payload(
  parsed: Awaited<ReturnType<typeof parse>>['parsed'],
  fileSha256: Promise<string>,
  readCurrent: () => ComparableElector[],
  onProgress: ImportJobProgress | undefined,
  whileCompressing: () => void,
): Promise<Omit<PayloadPart, 'timings'> & { diffMs: number; encodeMs: number }> {
  let t = performance.now();
  const total = parsed.electors.length;
  onProgress?.('comparaison', 0, total);
  const { diff, entries } = computeImportDiff(readCurrent(), parsed.electors);
  onProgress?.('comparaison', total, total);
  const diffMs = performance.now() - t;
  t = performance.now();
  const compressing = gzipAsync(JSON.stringify(parsed.electors satisfies Elector[]), { level: 1 });
  const encodedEntries = encodeEntries(entries);
  let encodeMs = performance.now() - t;
  whileCompressing();
  t = performance.now();
  // A fresh buffer (not one of Node's pooled slabs): it is handed over to the main thread.
  const electorsGzip = new Uint8Array(await compressing);
  encodeMs += performance.now() - t;
  return {
    fileName: parsed.fileName,
    encoding: parsed.encoding,
    extractDate: parsed.extractDate,
    communeCode: parsed.communeCode,
    counts: parsed.counts,
    warnings: parsed.warnings,
    total,
    sha256: await fileSha256,
    diff,
    entries: encodedEntries,
    electorsGzip,
    diffMs,
    encodeMs,
  };
}

/** The rows half alone (a second worker thread runs it alongside the payload half, import-host.ts). */
export async function runRowsJob(fileName: string, bytes: Uint8Array, stagingFile: string): Promise<RowsPart> {
  const { parsed, parseMs } = await parse(fileName, bytes);
  const t = performance.now();
  const prepared = prepareList(parsed.electors, true);
  const prepareMs = performance.now() - t;
  return { timings: { parseMs, prepareMs, stageMs: stage(prepared, stagingFile) } };
}

/** The payload half alone. */
export async function runPayloadJob(
  fileName: string,
  bytes: Uint8Array,
  readCurrent: () => ComparableElector[],
  onProgress?: ImportJobProgress,
): Promise<PayloadPart> {
  const fileSha256 = sha256Hex(bytes);
  const { parsed, parseMs } = await parse(fileName, bytes, onProgress);
  const { diffMs, encodeMs, ...rest } = await payload(parsed, fileSha256, readCurrent, onProgress, () => {});
  return { ...rest, timings: { parseMs, diffMs, encodeMs } };
}

/** The whole job on one thread, parsing once. */
export async function runImportJob(
  fileName: string,
  bytes: Uint8Array,
  stagingFile: string,
  readCurrent: () => ComparableElector[],
  onProgress?: ImportJobProgress,
): Promise<PreparedImport> {
  const fileSha256 = sha256Hex(bytes);
  const { parsed, parseMs } = await parse(fileName, bytes, onProgress);
  const t = performance.now();
  const prepared = prepareList(parsed.electors, true);
  const prepareMs = performance.now() - t;
  let stageMs = 0;
  const { diffMs, encodeMs, ...rest } = await payload(parsed, fileSha256, readCurrent, onProgress, () => {
    stageMs = stage(prepared, stagingFile);
  });
  return { ...rest, stagingFile, timings: { parseMs, prepareMs, diffMs, stageMs, encodeMs } };
}
