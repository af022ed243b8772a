import type { Kysely } from 'kysely';
import { GuichetError } from '../../../shared/errors.js';
import { configuredHubSecretKey, isSealed, SECRET_KEY_ENV, seal, totpAad, unseal } from '../../console/secret-box.js';

type Staff = { staff: { id: string; totp_secret: string | null; totp_pending_secret: string | null } };

/**
 * The agents' TOTP seeds, stored in clear by 012, are sealed (AES-256-GCM under
 * the hub's key, hub-server/console/secret-box.ts). A database with seeds to seal
 * and no key set up refuses to migrate rather than seal under a key nobody keeps.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const d = db as unknown as Kysely<Staff>;
  const rows = await d.selectFrom('staff').select(['id', 'totp_secret', 'totp_pending_secret']).execute();
  const clear = rows.filter((r) => [r.totp_secret, r.totp_pending_secret].some((s) => s !== null && !isSealed(s)));
  if (clear.length === 0) return;
  const key = configuredHubSecretKey();
  if (!key)
    throw new GuichetError(
      'internal',
      `La clé secrète du hub est introuvable : démarrez le hub avec son dossier de données, ou définissez ${SECRET_KEY_ENV}.`,
      'migration 015 without hub key',
    );
  for (const r of clear) {
    const sealed = (s: string | null) => (s === null || isSealed(s) ? s : seal(key, totpAad(r.id), s));
    await d
      .updateTable('staff')
      .set({ totp_secret: sealed(r.totp_secret), totp_pending_secret: sealed(r.totp_pending_secret) })
      .where('id', '=', r.id)
      .execute();
  }
}

/** Back to clear seeds (needs the same key). */
export async function down(db: Kysely<unknown>): Promise<void> {
  const d = db as unknown as Kysely<Staff>;
  const key = configuredHubSecretKey();
  const rows = await d.selectFrom('staff').select(['id', 'totp_secret', 'totp_pending_secret']).execute();
  for (const r of rows) {
    if (![r.totp_secret, r.totp_pending_secret].some((s) => s !== null && isSealed(s))) continue;
    if (!key) throw new Error('migration 015 down without hub key');
    const open = (s: string | null) => (s === null ? s : unseal(key, totpAad(r.id), s));
    await d
      .updateTable('staff')
      .set({ totp_secret: open(r.totp_secret), totp_pending_secret: open(r.totp_pending_secret) })
      .where('id', '=', r.id)
      .execute();
  }
}
