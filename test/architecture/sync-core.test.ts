import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registry } from '../../shared/domains.js';
import { root, sourceFiles } from './imports.js';

/**
 * The client's sync core (electron/sync/) carries any collection it is given and
 * owns its tables (that it imports no domain is checked by domains.test.ts):
 * - its source names no collection of a domain;
 * - outside electron/sync/sync-store.ts (and the migrations creating them), nothing
 *   in the client core issues SQL on outbox, sync_state or rejected_changes.
 */
const SQL_ON_SYNC_TABLES = /\b(?:from|into|update|join|table)\s+(?:outbox|sync_state|rejected_changes)\b/i;

const production = (dir: string) => sourceFiles(join(root, dir)).filter((f) => !/\.test\.ts$/.test(f));
const withoutComments = (file: string) => readFileSync(file, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');

describe('the client sync core', () => {
  it('names no collection of a domain', () => {
    const bad = production('electron/sync').flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return registry.collectionNames.filter((name) => text.includes(`'${name}'`)).map((name) => `${relative(root, file)}: ${name}`);
    });
    expect(bad).toEqual([]);
  });

  it('is the only owner of the sync tables', () => {
    const owner = join(root, 'electron', 'sync', 'sync-store.ts');
    const migrations = join(root, 'electron', 'db', 'migrations');
    expect(SQL_ON_SYNC_TABLES.test(withoutComments(owner))).toBe(true); // the rule below cannot pass vacuously
    const bad = production('electron')
      .filter((file) => file !== owner && !file.startsWith(migrations))
      .filter((file) => SQL_ON_SYNC_TABLES.test(withoutComments(file)))
      .map((file) => relative(root, file));
    expect(bad).toEqual([]);
  });
});
