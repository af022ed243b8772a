import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestDb, TEST_BACKENDS } from '../../test-support.js';
import { nowIso } from '../dialect.js';
import { openHubDb } from '../open.js';
import { HUB_MIGRATIONS } from './index.js';

describe.each(TEST_BACKENDS)('migration 001-accounts (%s)', (backend) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await dispose?.();
    dispose = undefined;
  });

  it('applies, records itself, and gives usable tables with their constraints', async () => {
    const t = await openTestDb(backend);
    dispose = t.dispose;
    const { db } = t;
    const applied = await db
      .withTables<{ kysely_migration: { name: string } }>()
      .selectFrom('kysely_migration')
      .select('name')
      .orderBy('name')
      .execute();
    expect(applied.map((r) => r.name)).toEqual(Object.keys(HUB_MIGRATIONS));

    const now = nowIso();
    const communeA = randomUUID();
    const communeB = randomUUID();
    await db
      .insertInto('collectivites')
      .values([
        {
          id: communeA,
          kind: 'commune',
          insee: '10387',
          siren: '211003744',
          name: 'Troyes',
          arrondissement: '103',
          services: '["electoral"]',
          created_at: now,
        },
        {
          id: communeB,
          kind: 'commune',
          insee: '10033',
          siren: '211000336',
          name: 'Bar-sur-Aube',
          arrondissement: '101',
          services: '[]',
          created_at: now,
        },
      ])
      .execute();
    await expect(
      db
        .insertInto('collectivites')
        .values({
          id: randomUUID(),
          kind: 'commune',
          insee: '10387',
          siren: '1',
          name: 'Double',
          arrondissement: null,
          services: '[]',
          created_at: now,
        })
        .execute(),
    ).rejects.toThrow();

    const user = {
      id: randomUUID(),
      commune_id: communeA,
      username: 'maire',
      display_name: 'Maire',
      role: 'maire',
      password_hash: 'scrypt$1$1$1$a$b',
      created_at: now,
    };
    await db.insertInto('users').values(user).execute();
    // Same username in another commune is fine, twice in the same commune is not.
    await db
      .insertInto('users')
      .values({ ...user, id: randomUUID(), commune_id: communeB })
      .execute();
    await expect(
      db
        .insertInto('users')
        .values({ ...user, id: randomUUID() })
        .execute(),
    ).rejects.toThrow();
    // Foreign keys are enforced on both backends.
    await expect(
      db
        .insertInto('users')
        .values({ ...user, id: randomUUID(), commune_id: randomUUID(), username: 'orphelin' })
        .execute(),
    ).rejects.toThrow();

    const device = {
      id: randomUUID(),
      commune_id: communeA,
      user_id: user.id,
      name: 'PC',
      created_at: now,
      last_seen_at: null,
      revoked_at: null,
    };
    await db.insertInto('devices').values(device).execute();
    await db
      .insertInto('sessions')
      .values({
        id: randomUUID(),
        token_hash: 'h1',
        user_id: user.id,
        device_id: device.id,
        commune_id: communeA,
        created_at: now,
        revoked_at: null,
      })
      .execute();
    await expect(
      db
        .insertInto('sessions')
        .values({
          id: randomUUID(),
          token_hash: 'h1',
          user_id: user.id,
          device_id: device.id,
          commune_id: communeA,
          created_at: now,
          revoked_at: null,
        })
        .execute(),
    ).rejects.toThrow();
    await db
      .insertInto('enrollment_codes')
      .values({ id: randomUUID(), commune_id: communeA, code_hash: 'c1', created_at: now, expires_at: now, used_at: null })
      .execute();
    await db.insertInto('admins').values({ id: randomUUID(), username: 'admin', password_hash: 'x', created_at: now }).execute();
    await db.insertInto('hub_meta').values({ key: 'hub_id', value: 'x' }).execute();

    // Defaults and counts come back as numbers on both backends.
    const row = await db.selectFrom('users').select(['disabled']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.disabled).toBe(0);
    const count = await db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(count.n).toBe(2);

    // Deleting a collectivité removes what hangs off it.
    await db.deleteFrom('collectivites').where('id', '=', communeA).execute();
    const left = await db.selectFrom('sessions').select('id').execute();
    expect(left).toHaveLength(0);
  });

  it.runIf(backend === 'sqlite')('reopens an existing SQLite file without re-running migrations', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guichet-mig-'));
    dispose = async () => rmSync(dir, { recursive: true, force: true });
    const file = join(dir, 'hub.sqlite');
    const first = await openHubDb({ file });
    await first.insertInto('hub_meta').values({ key: 'k', value: 'v' }).execute();
    await first.destroy();
    const second = await openHubDb({ file });
    expect(await second.selectFrom('hub_meta').selectAll().execute()).toEqual([{ key: 'k', value: 'v' }]);
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(second);
    expect(mode.rows[0].journal_mode).toBe('wal');
    await second.destroy();
  });

  it.runIf(backend === 'postgres')('creates its tables and the migration log inside the given schema', async () => {
    const t = await openTestDb('postgres');
    dispose = t.dispose;
    const tables = await sql<{
      table_name: string;
    }>`select table_name from information_schema.tables where table_schema = ${t.schema!}`.execute(t.db);
    const names = tables.rows.map((r) => r.table_name);
    for (const n of [
      'collectivites',
      'collectivite_members',
      'users',
      'devices',
      'sessions',
      'enrollment_codes',
      'admins',
      'hub_meta',
      'kysely_migration',
    ])
      expect(names).toContain(n);
  });
});
