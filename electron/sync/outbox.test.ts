import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { CORE_MIGRATIONS } from '../db/migrations/core.js';
import { openMigratedDb } from '../db/sqlite.js';
import { createOutbox, toMutation } from './outbox.js';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-outbox-'));
  dirs.push(dir);
  return join(dir, 'guichet.sqlite');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const now = () => new Date('2026-03-01T10:00:00Z');
const upsert = (id: string) => ({
  kind: 'upsert' as const,
  collection: 'electoral.demands' as const,
  recordId: id,
  baseVersion: null,
  data: { id },
  summary: 'Demande (création)',
});

describe('outbox', () => {
  it('refuses an enqueue outside a transaction', () => {
    const db = openMigratedDb(tempFile(), [CORE_MIGRATIONS]);
    const outbox = createOutbox(db, now);
    expect(() => outbox.enqueue(upsert('a'))).toThrow(/inside the transaction/);
    expect(outbox.count()).toBe(0);
    db.close();
  });

  it('keeps queued changes across a reopen and never reuses a mutation id', () => {
    const file = tempFile();
    let db = openMigratedDb(file, [CORE_MIGRATIONS]);
    let outbox = createOutbox(db, now);
    const ids = db.transaction(() => [outbox.enqueue(upsert('a')), outbox.enqueue(upsert('b'))])();
    expect(ids).toEqual([1, 2]);
    // Acknowledge both: rows go away, the counter does not.
    db.transaction(() => {
      for (const id of ids) outbox.remove(id);
    })();
    const third = db.transaction(() => outbox.enqueue(upsert('c')))();
    expect(third).toBe(3);
    db.close();

    db = openMigratedDb(file, [CORE_MIGRATIONS]);
    outbox = createOutbox(db, now);
    expect(outbox.list().map((c) => [c.mutationId, c.entry.kind, c.summary])).toEqual([[3, 'upsert', 'Demande (création)']]);
    expect(outbox.pendingIds('electoral.demands')).toEqual(new Set(['c']));
    expect(db.transaction(() => outbox.enqueue(upsert('d')))()).toBe(4);
    db.close();
  });

  it('rolls the outbox row back with the domain transaction', () => {
    const db = openMigratedDb(tempFile(), [CORE_MIGRATIONS]);
    const outbox = createOutbox(db, now);
    expect(() =>
      db.transaction(() => {
        outbox.enqueue(upsert('a'));
        throw new Error('domain write failed');
      })(),
    ).toThrow('domain write failed');
    expect(outbox.count()).toBe(0);
    expect(db.transaction(() => outbox.enqueue(upsert('b')))()).toBe(1);
    db.close();
  });

  it('stores a command given as payload JSON exactly as the same command given as a value', () => {
    const db = openMigratedDb(tempFile(), [CORE_MIGRATIONS]);
    const outbox = createOutbox(db, now);
    const payload = {
      import: { id: 'i1', note: 'élection « municipale »\n' },
      electors: [
        { id: 'e1', n: null },
        { id: 'e2', n: 3 },
      ],
    };
    db.transaction(() => {
      outbox.enqueue({ kind: 'command', name: 'electoral.import', payload, summary: 'Import (2 électeurs)' });
      outbox.enqueueCommandJson({ name: 'electoral.import', payloadJson: JSON.stringify(payload), summary: 'Import (2 électeurs)' });
      // Compressed by the caller, in pieces (gzip members): stored compressed, read back the same.
      const json = JSON.stringify(payload);
      const cut = json.indexOf('"electors"');
      outbox.enqueueCommandJson({
        name: 'electoral.import',
        payloadJson: [gzipSync(json.slice(0, cut)), gzipSync(json.slice(cut))],
        summary: 'Import (2 électeurs)',
      });
    })();
    const [a, b, c] = outbox.list();
    expect(b.mutationId).toBe(a.mutationId + 1);
    expect(b.entry).toEqual(a.entry);
    expect(c.entry).toEqual(a.entry);
    expect(toMutation(b)).toEqual({ ...toMutation(a), mutationId: b.mutationId });
    expect(toMutation(c)).toEqual({ ...toMutation(a), mutationId: c.mutationId });
    const stored = db.prepare('SELECT entry FROM outbox ORDER BY mutation_id').pluck().all() as (string | Buffer)[];
    expect(stored[1]).toBe(stored[0]);
    expect(Buffer.isBuffer(stored[2])).toBe(true);
    expect(gunzipSync(stored[2] as Buffer).toString('utf8')).toBe(stored[0]);
    db.close();
  });
});
