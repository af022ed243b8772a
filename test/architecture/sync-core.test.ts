import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLLECTION_NAMES } from '../../shared/sync/protocol.js';

/**
 * The client's sync core (electron/sync/) carries any collection it is given and
 * owns its tables:
 * - it imports no domain: only itself, the core's contracts, the hub client, the
 *   platform, the db migrations, and shared/ sync and error types;
 * - its source names no collection of a domain;
 * - outside electron/sync/sync-store.ts (and the migrations creating them), nothing
 *   issues SQL on outbox, sync_state or rejected_changes.
 */
const root = join(import.meta.dirname, '..', '..');
const SYNC = join(root, 'electron', 'sync');
const ALLOWED = [
  'electron/sync/',
  'electron/core/context.ts',
  'electron/hub-client/',
  'electron/platform/',
  'electron/db/',
  'shared/sync/',
  'shared/errors.ts',
];
const SQL_ON_SYNC_TABLES = /\b(?:from|into|update|join|table)\s+(?:outbox|sync_state|rejected_changes)\b/i;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(p);
    return /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [p] : [];
  });
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s*|import\s*\(\s*|^\s*import\s+)['"](\.\.?\/[^'"]+)['"]/gm)].map((m) =>
    relative(root, resolve(file, '..', m[1]!)).replace(/\.js$/, '.ts'),
  );
}

describe('the client sync core', () => {
  it('imports no domain', () => {
    const bad = sources(SYNC).flatMap((file) =>
      relativeImports(file)
        .filter((target) => !ALLOWED.some((a) => target === a || target.startsWith(a)))
        .map((target) => `${relative(root, file)} → ${target}`),
    );
    expect(bad).toEqual([]);
  });

  it('names no collection of a domain', () => {
    const bad = sources(SYNC).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return COLLECTION_NAMES.filter((name) => text.includes(`'${name}'`)).map((name) => `${relative(root, file)}: ${name}`);
    });
    expect(bad).toEqual([]);
  });

  it('is the only owner of the sync tables', () => {
    const bad = sources(join(root, 'electron'))
      .filter((file) => !file.endsWith(join('sync', 'sync-store.ts')) && !file.includes(join('db', 'migrations')))
      .filter((file) => SQL_ON_SYNC_TABLES.test(readFileSync(file, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '')))
      .map((file) => relative(root, file));
    expect(bad).toEqual([]);
  });
});
