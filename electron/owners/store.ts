/**
 * The owners' local copy, encrypted at rest: each synced record is one row
 * (id in clear, hub version, AES-256-GCM blob; see migrations/001-owners.ts
 * and vault.ts). The sync engine reaches it only through `LocalCollection`
 * (apply / count / clear), so snapshots, tombstones and the mass-deletion
 * fail-safe work as for every other collection.
 *
 * The key is read from the secret store asynchronously (`unlock`), before a
 * sync cycle pushes and before a channel reads; the sync applies records
 * synchronously inside its transaction. A record arriving while the store is
 * locked (the secret store failed) is not written in clear nor lost: it is
 * skipped and the store marks itself for a resync, which the next unlock asks.
 */
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { CollectionName } from '../../shared/sync/protocol.js';
import type { LocalCollection } from '../core/context.js';
import { skipMalformed } from '../core/json-collection.js';
import type { SecretStore } from '../platform/platform.js';
import { cipherOf, makeKey, type OwnersCipher, readKey } from './vault.js';

export const OWNERS_TABLES = {
  'owners.comptes': 'owners_comptes',
  'owners.communications': 'owners_communications',
  'owners.journal': 'owners_journal',
  'owners.imports': 'owners_imports',
} as const satisfies Partial<Record<CollectionName, string>>;
export type OwnersCollection = keyof typeof OWNERS_TABLES;

/** Shown once to the user after an unreadable copy was wiped. */
export const KEY_LOST_NOTICE =
  'La copie des propriétaires gardée sur ce poste était illisible (sa clé de chiffrement a été perdue, par exemple après un changement de session Windows ou une restauration). Elle a été effacée et est rechargée depuis le hub à la prochaine synchronisation.';

export interface OwnersStore {
  unlocked(): boolean;
  /**
   * Loads the key (or makes it, first use). When rows exist that the key cannot read (key lost or replaced),
   * wipes every owners table and marks the store for a resync. Answers whether it had to wipe.
   */
  unlock(): Promise<{ wiped: boolean }>;
  /** Forgets the key in memory (logout): the rows stay encrypted on disk until wiped. */
  lock(): void;
  collections(schemas: Record<OwnersCollection, z.ZodType<unknown>>): LocalCollection[];
  /** Every record of a collection, decrypted and checked (a row that does not decrypt or parse is skipped, logged by id). */
  readAll<T>(collection: OwnersCollection, schema: z.ZodType<T>): T[];
  read<T>(collection: OwnersCollection, id: string, schema: z.ZodType<T>): T | null;
  count(collection: OwnersCollection): number;
  /** Empties every owners table (logout, key lost) and marks the store for a resync. */
  wipe(): void;
  needsResync(): boolean;
  resyncAsked(): void;
  /** Bumped on every write: the in-memory index rebuilds when it moved. */
  generation(): number;
}

export function createOwnersStore(db: Database.Database, secrets: SecretStore, log: Logger): OwnersStore {
  let cipher: OwnersCipher | null = null;
  let unlocking: Promise<{ wiped: boolean }> | null = null;
  let gen = 0;
  const tables = Object.values(OWNERS_TABLES);
  const setMeta = db.prepare('INSERT INTO owners_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const getMeta = db.prepare<[string], string>('SELECT value FROM owners_meta WHERE key = ?').pluck();
  const totalRows = () => tables.reduce((n, t) => n + (db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number), 0);

  const wipe = db.transaction(() => {
    for (const t of tables) db.prepare(`DELETE FROM ${t}`).run();
    setMeta.run('resync', '1');
    gen++;
  });

  /** Whether `c` reads the first row found (every row was written with the same key). */
  function probe(c: OwnersCipher): boolean {
    for (const [collection, table] of Object.entries(OWNERS_TABLES)) {
      const row = db.prepare(`SELECT id, blob FROM ${table} LIMIT 1`).get() as { id: string; blob: Buffer } | undefined;
      if (!row) continue;
      try {
        c.decrypt(collection, row.id, row.blob);
        return true;
      } catch {
        return false;
      }
    }
    return true;
  }

  async function doUnlock(): Promise<{ wiped: boolean }> {
    let key = await readKey(secrets);
    const lost = totalRows() > 0 && (key === null || !probe(cipherOf(key)));
    if (lost) {
      wipe();
      key = null;
      log.warn('owners local store unreadable (key lost or replaced): wiped, fetching it again from the hub');
    }
    key ??= await makeKey(secrets);
    cipher = cipherOf(key);
    return { wiped: lost };
  }

  function decryptRow<T>(collection: OwnersCollection, row: { id: string; version: number; blob: Buffer }, schema: z.ZodType<T>): T | null {
    if (!cipher) throw new Error('owners store is locked');
    try {
      const parsed = schema.safeParse(JSON.parse(cipher.decrypt(collection, row.id, row.blob)));
      if (parsed.success) return parsed.data;
    } catch {
      // fall through: logged below, by id only
    }
    log.warn({ collection, id: row.id, version: row.version }, 'owners row unreadable, skipped');
    return null;
  }

  return {
    unlocked: () => cipher !== null,
    unlock() {
      if (cipher) return Promise.resolve({ wiped: false });
      // One unlock at a time: two first uses must not make two keys.
      unlocking ??= doUnlock().finally(() => {
        unlocking = null;
      });
      return unlocking;
    },
    lock() {
      cipher = null;
      gen++;
    },
    collections(schemas) {
      return (Object.entries(OWNERS_TABLES) as [OwnersCollection, string][]).map(([name, table]): LocalCollection => {
        const upsert = db.prepare(
          `INSERT INTO ${table} (id, version, blob) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version, blob = excluded.blob`,
        );
        const remove = db.prepare(`DELETE FROM ${table} WHERE id = ?`);
        const count = db.prepare<[], number>(`SELECT count(*) FROM ${table}`).pluck();
        const clear = db.prepare(`DELETE FROM ${table}`);
        const schema = schemas[name];
        return {
          name,
          apply(record) {
            gen++;
            if (record.deleted) return void remove.run(record.id);
            const parsed = schema.safeParse(record.data);
            const ownId = (parsed.data as { id?: unknown } | undefined)?.id;
            if (!parsed.success || (typeof ownId === 'string' && ownId !== record.id)) return skipMalformed(log, record);
            if (!cipher) {
              // Never in clear: skip it, and fetch the whole copy again once the key is back.
              setMeta.run('resync', '1');
              log.warn({ collection: name, id: record.id }, 'owners record skipped: store locked, resync asked');
              return;
            }
            upsert.run(record.id, record.version, cipher.encrypt(name, record.id, JSON.stringify(parsed.data)));
          },
          count: () => count.get()!,
          clear() {
            gen++;
            clear.run();
          },
        };
      });
    },
    readAll(collection, schema) {
      const rows = db.prepare(`SELECT id, version, blob FROM ${OWNERS_TABLES[collection]}`).all() as {
        id: string;
        version: number;
        blob: Buffer;
      }[];
      return rows.map((r) => decryptRow(collection, r, schema)).filter((x) => x !== null);
    },
    read(collection, id, schema) {
      const row = db.prepare(`SELECT id, version, blob FROM ${OWNERS_TABLES[collection]} WHERE id = ?`).get(id) as
        | { id: string; version: number; blob: Buffer }
        | undefined;
      return row ? decryptRow(collection, row, schema) : null;
    },
    count: (collection) => db.prepare(`SELECT count(*) FROM ${OWNERS_TABLES[collection]}`).pluck().get() as number,
    wipe: () => wipe(),
    needsResync: () => getMeta.get('resync') === '1',
    resyncAsked: () => void db.prepare("DELETE FROM owners_meta WHERE key = 'resync'").run(),
    generation: () => gen,
  };
}
