import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_BACKENDS } from '../../test-support.js';
import { nowIso } from '../dialect.js';
import { openAt } from './migration-test-support.js';

const staffRow = (login: string, role: string) => ({
  id: randomUUID(),
  login,
  display_name: login,
  role,
  password_hash: 'scrypt$1$1$1$a$b',
  created_at: nowIso(),
});

describe.each(TEST_BACKENDS)('migration 012-console (%s)', (backend) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await dispose?.();
    dispose = undefined;
  });

  it('adds the staff, audit, device report, settings and update tables, with their constraints, and goes back down', async () => {
    const t = await openAt(backend, '005-collectivites');
    dispose = t.dispose;
    const { db } = t;
    expect((await t.migrateToLatest()).error).toBeUndefined();

    const agent = staffRow('c.martin', 'administrateur');
    await db.insertInto('staff').values(agent).execute();
    await expect(db.insertInto('staff').values(staffRow('c.martin', 'assistance')).execute(), 'login twice').rejects.toThrow();
    await expect(db.insertInto('staff').values(staffRow('x', 'maire')).execute(), 'a collectivité role').rejects.toThrow();
    const stored = await db.selectFrom('staff').selectAll().where('id', '=', agent.id).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ disabled: 0, totp_secret: null, totp_last_step: null });

    const now = nowIso();
    await db
      .insertInto('staff_sessions')
      .values({ id: randomUUID(), token_hash: 'h1', staff_id: agent.id, created_at: now, expires_at: now, revoked_at: null })
      .execute();
    await db
      .insertInto('console_audit')
      .values({ id: randomUUID(), at: now, staff_id: agent.id, staff_login: 'c.martin', action: 'connexion', target: null, detail: null })
      .execute();
    // Removing an agent ends its sessions, not the audit log.
    await db.deleteFrom('staff').where('id', '=', agent.id).execute();
    expect(Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM staff_sessions`.execute(db)).rows[0].n)).toBe(0);
    expect(Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM console_audit`.execute(db)).rows[0].n)).toBe(1);

    // Reports and settings hang off a real device and collectivité.
    await expect(
      db
        .insertInto('device_reports')
        .values({ device_id: randomUUID(), commune_id: randomUUID(), app_version: '1.0.0', os: 'win32', reported_at: now })
        .execute(),
    ).rejects.toThrow();
    await db.insertInto('update_channels').values({ channel: 'stable', updated_at: now }).execute();
    expect(await db.selectFrom('update_channels').selectAll().executeTakeFirstOrThrow()).toMatchObject({
      staging_percentage: 100,
      paused: 0,
      current_version: null,
    });
    await db
      .insertInto('update_releases')
      .values({ channel: 'stable', version: '1.0.0', manifest: '{}', published_at: now, published_by: 'cli', withdrawn_at: null })
      .execute();
    await expect(
      db
        .insertInto('update_releases')
        .values({ channel: 'stable', version: '1.0.0', manifest: '{}', published_at: now, published_by: 'cli', withdrawn_at: null })
        .execute(),
      'the same version twice on a channel',
    ).rejects.toThrow();

    expect((await t.migrateTo('005-collectivites')).error).toBeUndefined();
    await expect(sql`SELECT 1 FROM staff`.execute(db)).rejects.toThrow();
    expect((await t.migrateToLatest()).error).toBeUndefined();
  });
});
