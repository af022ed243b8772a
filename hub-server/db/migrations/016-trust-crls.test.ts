import { afterEach, describe, expect, it } from 'vitest';
import { TEST_BACKENDS } from '../../test-support.js';
import { nowIso } from '../dialect.js';
import { openAt } from './migration-test-support.js';

describe.each(TEST_BACKENDS)('migration 016-trust-crls (%s)', (backend) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await dispose?.();
    dispose = undefined;
  });

  it('adds one CRL per listed CA and the trust-list settings, and leaves the anchors as they were', async () => {
    const t = await openAt(backend, '013-assistance');
    dispose = t.dispose;
    const { db } = t;
    const anchor = {
      fingerprint: 'ab'.repeat(32),
      subject: 'CN=AC Test',
      not_after: '2030-01-01T00:00:00.000Z',
      pem: 'PEM',
      added_at: nowIso(),
    };
    await db.insertInto('acts_trust_anchors').values(anchor).execute();
    const result = await t.migrateTo('016-trust-crls');
    expect(result.error).toBeUndefined();
    const crl = {
      ca_fingerprint: anchor.fingerprint,
      issuer: 'CN=AC Test',
      this_update: '2026-12-01T00:00:00.000Z',
      next_update: null,
      sha256: 'cd'.repeat(32),
      revoked: '[{"serial":"1001","revokedAt":"2026-11-30T00:00:00.000Z"}]',
      added_at: nowIso(),
    };
    await db.insertInto('acts_trust_crls').values(crl).execute();
    await expect(db.insertInto('acts_trust_crls').values(crl).execute()).rejects.toThrow();
    await db.insertInto('acts_trust_settings').values({ name: 'require_listed', value: 'on', updated_at: nowIso() }).execute();
    await expect(
      db.insertInto('acts_trust_settings').values({ name: 'require_listed', value: 'off', updated_at: nowIso() }).execute(),
    ).rejects.toThrow();
    expect(await db.selectFrom('acts_trust_crls').select(['ca_fingerprint', 'next_update']).execute()).toEqual([
      { ca_fingerprint: anchor.fingerprint, next_update: null },
    ]);
    expect(await db.selectFrom('acts_trust_anchors').select('subject').execute()).toEqual([{ subject: 'CN=AC Test' }]);
    expect((await t.migrateTo('013-assistance')).error).toBeUndefined();
    await expect(db.selectFrom('acts_trust_crls').selectAll().execute()).rejects.toThrow();
  });
});
