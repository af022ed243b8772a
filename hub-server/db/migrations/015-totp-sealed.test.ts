import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SECRET_KEY_ENV, totpAad, unseal } from '../../console/secret-box.js';
import { newTotpSecret } from '../../console/totp.js';
import { TEST_BACKENDS } from '../../test-support.js';
import { nowIso } from '../dialect.js';
import { openAt } from './migration-test-support.js';

describe.each(TEST_BACKENDS)('migration 015-totp-sealed (%s)', (backend) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    delete process.env[SECRET_KEY_ENV];
    await dispose?.();
    dispose = undefined;
  });

  const staff = (id: string, secret: string | null, pending: string | null) => ({
    id,
    login: id,
    display_name: id,
    role: 'assistance',
    password_hash: 'x',
    totp_secret: secret,
    totp_pending_secret: pending,
    totp_last_step: null,
    disabled: 0,
    created_at: nowIso(),
  });

  it('seals the seeds stored in clear under the hub key; the database keeps none in clear; down opens them again', async () => {
    const t = await openAt(backend, '013-assistance');
    dispose = t.dispose;
    const enrolled = newTotpSecret();
    const pending = newTotpSecret();
    await t.db
      .insertInto('staff')
      .values([staff('a', enrolled, null), staff('b', null, pending), staff('c', null, null)])
      .execute();
    const key = randomBytes(32);
    process.env[SECRET_KEY_ENV] = key.toString('base64');
    expect((await t.migrateTo('015-totp-sealed')).error).toBeUndefined();

    const rows = await t.db.selectFrom('staff').select(['id', 'totp_secret', 'totp_pending_secret']).orderBy('id').execute();
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(enrolled);
    expect(dump).not.toContain(pending);
    expect(rows.map((r) => [r.totp_secret, r.totp_pending_secret].map((s) => (s === null ? null : String(s).slice(0, 3))))).toEqual([
      ['v1.', null],
      [null, 'v1.'],
      [null, null],
    ]);
    expect(unseal(key, totpAad('a'), String(rows[0].totp_secret))).toBe(enrolled);
    // Bound to its account: a seed moved to another row does not open.
    expect(() => unseal(key, totpAad('b'), String(rows[0].totp_secret))).toThrow(/clé secrète du hub/);

    expect((await t.migrateTo('013-assistance')).error).toBeUndefined();
    const back = await t.db.selectFrom('staff').select(['totp_secret']).where('id', '=', 'a').executeTakeFirstOrThrow();
    expect(back.totp_secret).toBe(enrolled);
  });

  it('refuses to migrate seeds in clear without a key set up, rather than seal them under a key nobody keeps', async () => {
    const t = await openAt(backend, '013-assistance');
    dispose = t.dispose;
    await t.db
      .insertInto('staff')
      .values(staff('a', newTotpSecret(), null))
      .execute();
    expect((await t.migrateTo('015-totp-sealed')).error).toBeDefined();
  });
});
