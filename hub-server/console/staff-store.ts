import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { StaffInfo, StaffRole } from '../../shared/console/staff.js';
import { GuichetError } from '../../shared/errors.js';
import { newToken, sha256Hex } from '../accounts/tokens.js';
import { nowIso } from '../db/dialect.js';
import type { HubDatabase } from '../db/schema.js';
import type { StaffTable } from './tables.js';

/** The département's staff accounts and their console sessions (tables of migration 012-console). */

/** A console session lasts a working day; then the agent signs in again (password and code). */
export const STAFF_SESSION_MS = 10 * 60 * 60 * 1000;

export type StaffRow = Selectable<StaffTable>;

export function toStaffInfo(row: StaffRow): StaffInfo {
  return { id: row.id, login: row.login, displayName: row.display_name, role: row.role };
}

export async function insertStaff(
  db: Kysely<HubDatabase>,
  input: { login: string; displayName: string; role: StaffRole; passwordHash: string },
): Promise<StaffRow> {
  const existing = await db.selectFrom('staff').select('id').where('login', '=', input.login).executeTakeFirst();
  if (existing) throw new GuichetError('conflict', `Le compte « ${input.login} » existe déjà.`, 'staff login taken');
  const row: StaffRow = {
    id: randomUUID(),
    login: input.login,
    display_name: input.displayName,
    role: input.role,
    password_hash: input.passwordHash,
    totp_secret: null,
    totp_pending_secret: null,
    totp_last_step: null,
    disabled: 0,
    created_at: nowIso(),
  };
  await db.insertInto('staff').values(row).execute();
  return row;
}

export function staffByLogin(db: Kysely<HubDatabase>, login: string): Promise<StaffRow | undefined> {
  return db.selectFrom('staff').selectAll().where('login', '=', login).executeTakeFirst();
}

export async function listStaff(db: Kysely<HubDatabase>): Promise<(StaffInfo & { totp: boolean; disabled: boolean })[]> {
  const rows = await db.selectFrom('staff').selectAll().orderBy('login').execute();
  return rows.map((r) => ({ ...toStaffInfo(r), totp: r.totp_secret !== null, disabled: r.disabled !== 0 }));
}

/** A new console session for the agent; answers the token (only its hash is stored). */
export async function openStaffSession(db: Kysely<HubDatabase>, staffId: string): Promise<{ token: string; expiresAt: string }> {
  const token = newToken();
  const now = Date.now();
  const expiresAt = new Date(now + STAFF_SESSION_MS).toISOString();
  await db
    .insertInto('staff_sessions')
    .values({
      id: randomUUID(),
      token_hash: sha256Hex(token),
      staff_id: staffId,
      created_at: new Date(now).toISOString(),
      expires_at: expiresAt,
      revoked_at: null,
    })
    .execute();
  return { token, expiresAt };
}

export async function revokeStaffSession(db: Kysely<HubDatabase>, token: string): Promise<void> {
  await db
    .updateTable('staff_sessions')
    .set({ revoked_at: nowIso() })
    .where('token_hash', '=', sha256Hex(token))
    .where('revoked_at', 'is', null)
    .execute();
}

/** The agent behind a live session token, or null (unknown, expired, revoked, account disabled). */
export async function resolveStaffToken(db: Kysely<HubDatabase>, token: string): Promise<(StaffInfo & { sessionId: string }) | null> {
  const row = await db
    .selectFrom('staff_sessions as s')
    .innerJoin('staff as st', 'st.id', 's.staff_id')
    .select(['s.id as sessionId', 'st.id', 'st.login', 'st.display_name', 'st.role'])
    .where('s.token_hash', '=', sha256Hex(token))
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', nowIso())
    .where('st.disabled', '=', 0)
    // A session is only ever opened after the second factor: an account without one has none.
    .where('st.totp_secret', 'is not', null)
    .executeTakeFirst();
  if (!row) return null;
  return { sessionId: row.sessionId, id: row.id, login: row.login, displayName: row.display_name, role: row.role };
}

/** Disables an account and ends its sessions at once. */
export async function disableStaff(db: Kysely<HubDatabase>, login: string): Promise<void> {
  const row = await staffByLogin(db, login);
  if (!row) throw new GuichetError('not_found', `Aucun compte « ${login} ».`, 'staff not found');
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('staff').set({ disabled: 1 }).where('id', '=', row.id).execute();
    await trx
      .updateTable('staff_sessions')
      .set({ revoked_at: nowIso() })
      .where('staff_id', '=', row.id)
      .where('revoked_at', 'is', null)
      .execute();
  });
}

/** Forgets the second factor (lost phone): the next sign-in enrols a new one. Ends the sessions. */
export async function resetStaffTotp(db: Kysely<HubDatabase>, login: string): Promise<void> {
  const row = await staffByLogin(db, login);
  if (!row) throw new GuichetError('not_found', `Aucun compte « ${login} ».`, 'staff not found');
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('staff')
      .set({ totp_secret: null, totp_pending_secret: null, totp_last_step: null })
      .where('id', '=', row.id)
      .execute();
    await trx
      .updateTable('staff_sessions')
      .set({ revoked_at: nowIso() })
      .where('staff_id', '=', row.id)
      .where('revoked_at', 'is', null)
      .execute();
  });
}
