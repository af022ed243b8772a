import Database from 'better-sqlite3';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CollectionName } from '../../shared/sync/protocol.js';
import { jsonCollection } from './json-collection.js';

const NAME = 'toy.notes' as CollectionName;
const noteSchema = z.object({ id: z.string().max(10), text: z.string().max(20) });

function setup() {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE notes (id TEXT PRIMARY KEY, version INTEGER, data TEXT NOT NULL)');
  const lines: string[] = [];
  const log = pino({ level: 'warn' }, { write: (l: string) => void lines.push(l) });
  const collection = jsonCollection(db, log, {
    name: NAME,
    schema: noteSchema,
    table: 'notes',
    idOf: (n) => n.id,
    write: (n, id, version) =>
      void db
        .prepare(
          'INSERT INTO notes (id, version, data) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version, data = excluded.data',
        )
        .run(id, version, JSON.stringify(n)),
  });
  const rows = () => db.prepare('SELECT id, version, data FROM notes ORDER BY id').all();
  return { db, collection, lines, rows };
}

describe('jsonCollection: hub records into a JSON-record table', () => {
  it('writes a record that matches the shared schema, keeps its version, deletes on a tombstone, counts and clears', () => {
    const { collection, rows } = setup();
    collection.apply({ collection: NAME, id: 'n1', version: 3, deleted: false, data: { id: 'n1', text: 'bonjour' } });
    collection.apply({ collection: NAME, id: 'n2', version: 4, deleted: false, data: { id: 'n2', text: 'salut' } });
    expect(rows()).toEqual([
      { id: 'n1', version: 3, data: '{"id":"n1","text":"bonjour"}' },
      { id: 'n2', version: 4, data: '{"id":"n2","text":"salut"}' },
    ]);
    collection.apply({ collection: NAME, id: 'n1', version: 5, deleted: true, data: null });
    expect(collection.count()).toBe(1);
    collection.clear();
    expect(collection.count()).toBe(0);
  });

  it('skips a malformed record or one sent under another id, with a log line naming only the id', () => {
    const { collection, lines, rows } = setup();
    collection.apply({ collection: NAME, id: 'n1', version: 1, deleted: false, data: { id: 'n1', text: 'x'.repeat(21) } });
    collection.apply({ collection: NAME, id: 'n2', version: 2, deleted: false, data: { id: 'n3', text: 'secret' } });
    collection.apply({ collection: NAME, id: 'n4', version: 3, deleted: false, data: null });
    expect(rows()).toEqual([]);
    expect(lines.map((l) => JSON.parse(l)).map((l) => [l.msg, l.id, l.version])).toEqual([
      ['malformed hub record skipped', 'n1', 1],
      ['malformed hub record skipped', 'n2', 2],
      ['malformed hub record skipped', 'n4', 3],
    ]);
    expect(lines.join('')).not.toContain('secret');
  });

  it('refuses a table name that is not a plain identifier', () => {
    const { db } = setup();
    expect(() =>
      jsonCollection(db, pino({ level: 'silent' }), { name: NAME, schema: noteSchema, table: 'notes; DROP TABLE notes', write: () => {} }),
    ).toThrow(/bad table/);
  });
});
