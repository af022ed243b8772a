import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Diagnostic } from '../../shared/assistance/protocol.js';
import type { SyncState } from '../../shared/sync/ipc.js';
import { schemaVersionsOf } from '../db/migrations/runner.js';

/** Fields of a log line the agent may read: ids, codes, counts, never values (the log itself is already redacted). */
const LOG_FIELDS = [
  'time',
  'level',
  'mod',
  'msg',
  'code',
  'channel',
  'route',
  'status',
  'attempt',
  'ms',
  'detail',
  'session',
  'action',
] as const;
const LOG_TAIL_BYTES = 512 * 1024;
const WARN = 40;

/** The installed Guichet version (package.json next to the bundle), « inconnue » when unreadable. */
export function appVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'guichet' && pkg.version) return pkg.version;
    } catch {
      // Next candidate: bundled builds sit one folder deeper.
    }
  }
  return 'inconnue';
}

function tail(file: string, bytes: number): string {
  if (!existsSync(file)) return '';
  const size = statSync(file).size;
  const length = Math.min(size, bytes);
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8');
}

/** The last warnings and errors of the PC's log, reduced to LOG_FIELDS (a line that is not JSON is left out). */
export function logExcerpt(file: string, max = 100): string[] {
  const lines: string[] = [];
  for (const line of tail(file, LOG_TAIL_BYTES).split('\n')) {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (typeof entry.level !== 'number' || entry.level < WARN) continue;
    const kept: Record<string, unknown> = {};
    for (const f of LOG_FIELDS) {
      const v = entry[f];
      if (typeof v === 'number' || typeof v === 'boolean') kept[f] = v;
      else if (typeof v === 'string') kept[f] = v.slice(0, 300);
    }
    const err = entry.err as { type?: unknown; message?: unknown } | undefined;
    if (err && typeof err.type === 'string') kept.err = err.type;
    lines.push(JSON.stringify(kept).slice(0, 1000));
  }
  return lines.slice(-max);
}

/** What the agent receives when the secretary sends the diagnostic: no record, no name, no value typed. */
export function buildDiagnostic(input: { db: Database.Database; dataDir: string; sync: SyncState | null; now: Date }): Diagnostic {
  const versions: Record<string, string> = {
    guichet: appVersion(),
    node: process.versions.node,
    os: `${process.platform} ${release()}`.slice(0, 80),
  };
  if (process.versions.electron) versions.electron = process.versions.electron;
  if (process.versions.chrome) versions.chromium = process.versions.chrome;
  for (const [domain, version] of Object.entries(schemaVersionsOf(input.db))) versions[`schéma ${domain}`] = String(version);
  const s = input.sync;
  return {
    createdAt: input.now.toISOString(),
    versions,
    sync: {
      online: s?.online ?? false,
      phase: s?.phase ?? 'idle',
      pending: s?.pending ?? 0,
      lastSuccessAt: s?.lastSuccessAt ?? null,
      // The code and the French sentence: the detail may name a record.
      lastError: s?.lastError ? `${s.lastError.code} — ${s.lastError.message}`.slice(0, 300) : null,
      rejected: s?.rejected.length ?? 0,
    },
    logs: logExcerpt(join(input.dataDir, 'logs', 'guichet.log')),
  };
}
