import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMajic } from '../../shared/owners/majic-parse.js';
import { generateMajic } from '../../shared/owners/synthetic-majic.js';
import { communicationSchema, compteSchema, journalEntrySchema, majicImportRecordSchema } from '../../shared/owners/types.js';
import { openClientDb } from '../db/open.js';
import { CLIENT_MIGRATIONS } from '../domains.js';
import { createFileSecretStore } from '../platform/node-platform.js';
import { createOwnersStore, OWNERS_TABLES } from './store.js';
import { OWNERS_KEY_SECRET } from './vault.js';

const majic = generateMajic({ insee: '10034', communeName: 'BAR-SUR-SEINE', seed: 11, comptes: 30 });
const comptes = parseMajic(
  Object.entries(majic.files).map(([name, text]) => ({ name, text })),
  { insee: '10034', millesime: 2026 },
);
const schemas = {
  'owners.comptes': compteSchema,
  'owners.communications': communicationSchema,
  'owners.journal': journalEntrySchema,
  'owners.imports': majicImportRecordSchema,
};
const log = pino({ level: 'silent' });
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open() {
  const dir = mkdtempSync(join(tmpdir(), 'owners-store-'));
  dirs.push(dir);
  const file = join(dir, 'guichet.sqlite');
  const db = openClientDb(file, CLIENT_MIGRATIONS);
  const secrets = createFileSecretStore(join(dir, 'secrets.json'));
  const store = createOwnersStore(db, secrets, log);
  const comptesCollection = store.collections(schemas).find((c) => c.name === 'owners.comptes')!;
  const fill = () =>
    db.transaction(() => {
      for (const [i, c] of comptes.entries())
        comptesCollection.apply({ collection: 'owners.comptes', id: c.id, version: i + 1, deleted: false, data: c });
    })();
  return { dir, file, db, secrets, store, comptesCollection, fill };
}

/** Every owner's birth name, usage name and birth date, as they would be written in clear. */
const personal = comptes
  .flatMap((c) => c.owners)
  .filter((o) => !o.legalPerson)
  .flatMap((o) => [o.birthName, o.usageName, o.birthDate ?? ''])
  .filter((s) => s.length >= 6);

describe('the owners store, encrypted at rest', () => {
  it('writes no owner name nor birth date in clear in the SQLite file or its WAL, and reads them back with the key', async () => {
    const { file, db, store, fill } = open();
    await store.unlock();
    fill();
    expect(store.count('owners.comptes')).toBe(comptes.length);
    const bytes = Buffer.concat([readFileSync(file), readFileSync(`${file}-wal`)]);
    expect(personal.length).toBeGreaterThan(20);
    for (const s of personal) {
      expect(bytes.includes(Buffer.from(s, 'utf8')), s).toBe(false);
      expect(bytes.includes(Buffer.from(s, 'latin1'))).toBe(false);
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
    const checkpointed = readFileSync(file);
    for (const s of personal) expect(checkpointed.includes(Buffer.from(s, 'utf8'))).toBe(false);
    const back = store.readAll('owners.comptes', compteSchema);
    expect(back.map((c) => c.id).sort()).toEqual(comptes.map((c) => c.id).sort());
    expect(store.read('owners.comptes', comptes[0]!.id, compteSchema)).toEqual(comptes[0]);
    db.close();
  });

  it('binds each blob to its id: a row copied under another id does not decrypt (skipped, logged by id)', async () => {
    const { db, store, fill } = open();
    await store.unlock();
    fill();
    const [a, b] = comptes;
    db.prepare(`UPDATE ${OWNERS_TABLES['owners.comptes']} SET blob = (SELECT blob FROM owners_comptes WHERE id = ?) WHERE id = ?`).run(
      a!.id,
      b!.id,
    );
    expect(store.read('owners.comptes', b!.id, compteSchema)).toBeNull();
    expect(store.readAll('owners.comptes', compteSchema)).toHaveLength(comptes.length - 1);
    db.close();
  });

  it('key lost: the unreadable copy is wiped, a new key made, and a resync asked', async () => {
    const { dir, db, secrets } = open();
    const first = createOwnersStore(db, secrets, log);
    await first.unlock();
    first.resyncAsked();
    const c = first.collections(schemas).find((x) => x.name === 'owners.comptes')!;
    db.transaction(() => c.apply({ collection: 'owners.comptes', id: comptes[0]!.id, version: 1, deleted: false, data: comptes[0] }))();
    const oldKey = await secrets.get(OWNERS_KEY_SECRET);
    // The OS profile's secret store lost the key (another Windows session, a restored disk…).
    await secrets.delete(OWNERS_KEY_SECRET);
    const next = createOwnersStore(db, createFileSecretStore(join(dir, 'secrets.json')), log);
    expect(next.needsResync()).toBe(false);
    expect(await next.unlock()).toEqual({ wiped: true });
    expect(next.count('owners.comptes')).toBe(0);
    expect(next.needsResync()).toBe(true);
    expect(await secrets.get(OWNERS_KEY_SECRET)).not.toBe(oldKey);

    // A key replaced by another one is as lost: the first row does not decrypt.
    const again = createOwnersStore(db, secrets, log);
    await again.unlock();
    again.resyncAsked();
    const c2 = again.collections(schemas).find((x) => x.name === 'owners.comptes')!;
    db.transaction(() => c2.apply({ collection: 'owners.comptes', id: comptes[0]!.id, version: 1, deleted: false, data: comptes[0] }))();
    await secrets.set(OWNERS_KEY_SECRET, Buffer.alloc(32, 7).toString('base64url'));
    expect(await createOwnersStore(db, secrets, log).unlock()).toEqual({ wiped: true });
    db.close();
  });

  it('a record arriving while the store is locked is not written (in clear or otherwise): a resync is asked', async () => {
    const { db, store, comptesCollection } = open();
    store.resyncAsked();
    db.transaction(() =>
      comptesCollection.apply({ collection: 'owners.comptes', id: comptes[0]!.id, version: 1, deleted: false, data: comptes[0] }),
    )();
    expect(store.count('owners.comptes')).toBe(0);
    expect(store.needsResync()).toBe(true);
    // Tombstones, count and clear need no key: the sync's fail-safe and snapshots work locked too.
    await store.unlock();
    db.transaction(() =>
      comptesCollection.apply({ collection: 'owners.comptes', id: comptes[0]!.id, version: 1, deleted: false, data: comptes[0] }),
    )();
    store.lock();
    db.transaction(() =>
      comptesCollection.apply({ collection: 'owners.comptes', id: comptes[0]!.id, version: 2, deleted: true, data: null }),
    )();
    expect(comptesCollection.count()).toBe(0);
    db.close();
  });

  it('wipe empties every owners table and asks for a resync (logout)', async () => {
    const { db, store, fill } = open();
    await store.unlock();
    store.resyncAsked();
    fill();
    store.wipe();
    for (const t of Object.values(OWNERS_TABLES)) expect(db.prepare(`SELECT count(*) FROM ${t}`).pluck().get()).toBe(0);
    expect(store.needsResync()).toBe(true);
    db.close();
  });
});
