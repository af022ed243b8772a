import type { Selectable } from 'kysely';
import type { PasswordContext } from '../../shared/accounts/password-policy.js';
import type { PasswordReset, UserInfo } from '../../shared/accounts/types.js';
import { GuichetError } from '../../shared/errors.js';
import { nowIso } from '../db/dialect.js';
import { hashPassword } from './passwords.js';
import { type HubDb, toUserInfo } from './store.js';
import type { UsersTable } from './tables.js';
import { newTemporaryPassword } from './tokens.js';

/** The account's own words for the password rule: its login, its name, its collectivité's name. */
export async function passwordContextOf(
  db: HubDb,
  communeId: string,
  user: { username: string; displayName: string },
): Promise<PasswordContext> {
  const c = await db.selectFrom('collectivites').select('name').where('id', '=', communeId).executeTakeFirst();
  return { username: user.username, displayName: user.displayName, collectiviteName: c?.name ?? null };
}

/** Stores a new password hash; a temporary one must be changed at first login. */
export async function storePassword(db: HubDb, userId: string, passwordHash: string, temporary: boolean): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash, must_change_password: temporary ? 1 : 0 })
    .where('id', '=', userId)
    .execute();
}

/** Closes the user's sessions (all, or all but `keepSessionId`). */
export async function endSessionsOf(db: HubDb, userId: string, keepSessionId: string | null = null): Promise<void> {
  let q = db.updateTable('sessions').set({ revoked_at: nowIso() }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (keepSessionId !== null) q = q.where('id', '!=', keepSessionId);
  await q.execute();
}

/**
 * A temporary password for someone else's account (a reset, a stolen PC): generated here, shown
 * once, to change at first login; every session of the account ends (a thief's included).
 */
export async function resetToTemporary(db: HubDb, user: Selectable<UsersTable>): Promise<PasswordReset> {
  const temporaryPassword = newTemporaryPassword();
  await storePassword(db, user.id, await hashPassword(temporaryPassword), true);
  await endSessionsOf(db, user.id);
  return { user: toUserInfo({ ...user, must_change_password: 1 }), temporaryPassword };
}

/**
 * The account a mayor acts on (disable, reset): a user of the caller's own collectivité, never a maire —
 * a maire (or a grouping's président) answers to the council, not to another maire: the département handles it.
 */
export async function managedUserOf(
  db: HubDb,
  communeId: string,
  userId: string,
  what: 'disable' | 'reset',
): Promise<Selectable<UsersTable>> {
  const user = await db.selectFrom('users').selectAll().where('id', '=', userId).where('commune_id', '=', communeId).executeTakeFirst();
  if (!user) throw new GuichetError('not_found', 'Ce compte est introuvable.', `user ${userId}`);
  if (user.role !== 'maire') return user;
  throw new GuichetError(
    'forbidden',
    what === 'disable'
      ? "Le compte d'un maire ne peut pas être désactivé depuis Guichet. Adressez-vous au service départemental."
      : "Le mot de passe d'un compte de maire ne peut pas être réinitialisé depuis Guichet. Adressez-vous au service départemental.",
    `${what} of a maire account`,
  );
}

/** Every account that opened a session on the device (its current user included), in username order. */
export async function usersOfDevice(db: HubDb, deviceId: string): Promise<Selectable<UsersTable>[]> {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('id', 'in', eb.selectFrom('sessions').select('user_id').where('device_id', '=', deviceId)),
        eb('id', 'in', eb.selectFrom('devices').select('user_id').where('id', '=', deviceId)),
      ]),
    )
    .orderBy('username')
    .execute();
}

/**
 * A stolen PC: each of its users gets a temporary password, except those `spare` keeps
 * (the mayor's route spares the caller and maire accounts; the département's CLI spares none).
 */
export async function resetUsersOfDevice(
  db: HubDb,
  deviceId: string,
  spare: (user: Selectable<UsersTable>) => boolean,
): Promise<{ passwordResets: PasswordReset[]; notReset: UserInfo[] }> {
  const passwordResets: PasswordReset[] = [];
  const notReset: UserInfo[] = [];
  for (const user of await usersOfDevice(db, deviceId)) {
    if (Number(user.disabled) === 1) continue;
    if (spare(user)) notReset.push(toUserInfo(user));
    else passwordResets.push(await resetToTemporary(db, user));
  }
  return { passwordResets, notReset };
}
