import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { SERVICES, type CommuneRole, type Service } from '../../shared/accounts/roles.js';
import type { CommuneInfo, DeviceInfo, UserInfo } from '../../shared/accounts/types.js';
import { GuichetError } from '../../shared/errors.js';
import { nowIso } from '../db/dialect.js';
import type { HubDatabase } from '../db/schema.js';
import type { CommunesTable, DevicesTable, UsersTable } from './tables.js';
import { newToken, sha256Hex } from './tokens.js';

/** Row ↔ contract conversions and the writes shared by routes, admin commands and tests. */
export type HubDb = Kysely<HubDatabase> | Transaction<HubDatabase>;

export function parseServices(json: string): Service[] {
  try {
    const list = JSON.parse(json) as unknown;
    return Array.isArray(list) ? (list.filter((s) => (SERVICES as readonly string[]).includes(s)) as Service[]) : [];
  } catch {
    return [];
  }
}

export function toCommuneInfo(row: Selectable<CommunesTable>): CommuneInfo {
  return { insee: row.insee, siren: row.siren, name: row.name, arrondissement: row.arrondissement, services: parseServices(row.services) };
}

export function toUserInfo(row: Selectable<UsersTable>): UserInfo {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role as CommuneRole,
    disabled: Number(row.disabled) === 1,
  };
}

export function toDeviceInfo(row: Selectable<DevicesTable>): DeviceInfo {
  return { id: row.id, name: row.name, createdAt: row.created_at, lastSeenAt: row.last_seen_at, revoked: row.revoked_at !== null };
}

export interface NewCommune {
  insee: string;
  siren: string;
  name: string;
  arrondissement: string | null;
  services: Service[];
}

export async function insertCommune(db: HubDb, c: NewCommune): Promise<Selectable<CommunesTable>> {
  const existing = await db.selectFrom('communes').select('id').where('insee', '=', c.insee).executeTakeFirst();
  if (existing) throw new GuichetError('conflict', `La commune ${c.insee} est déjà inscrite sur le hub.`, `insee=${c.insee}`);
  const row = {
    id: randomUUID(),
    insee: c.insee,
    siren: c.siren,
    name: c.name,
    arrondissement: c.arrondissement,
    services: JSON.stringify(c.services),
    created_at: nowIso(),
  };
  await db.insertInto('communes').values(row).execute();
  return row;
}

export interface NewUser {
  communeId: string;
  username: string;
  displayName: string;
  role: CommuneRole;
  passwordHash: string;
}

export async function insertUser(db: HubDb, u: NewUser): Promise<Selectable<UsersTable>> {
  const existing = await db
    .selectFrom('users')
    .select('id')
    .where('commune_id', '=', u.communeId)
    .where('username', '=', u.username)
    .executeTakeFirst();
  if (existing) throw new GuichetError('conflict', `L'identifiant « ${u.username} » est déjà pris dans cette commune.`, 'username taken');
  const row = {
    id: randomUUID(),
    commune_id: u.communeId,
    username: u.username,
    display_name: u.displayName,
    role: u.role,
    password_hash: u.passwordHash,
    disabled: 0,
    created_at: nowIso(),
  };
  await db.insertInto('users').values(row).execute();
  return row;
}

export interface OpenedSession {
  token: string;
  sessionId: string;
  device: Selectable<DevicesTable>;
}

/** A login or enrollment: a new device row and a session on it. The token is returned once, only its hash is kept. */
export async function openSession(db: HubDb, p: { communeId: string; userId: string; deviceName: string }): Promise<OpenedSession> {
  const now = nowIso();
  const device = {
    id: randomUUID(),
    commune_id: p.communeId,
    user_id: p.userId,
    name: p.deviceName,
    created_at: now,
    last_seen_at: now,
    revoked_at: null,
  };
  await db.insertInto('devices').values(device).execute();
  const token = newToken();
  const sessionId = randomUUID();
  await db
    .insertInto('sessions')
    .values({
      id: sessionId,
      token_hash: sha256Hex(token),
      user_id: p.userId,
      device_id: device.id,
      commune_id: p.communeId,
      created_at: now,
      revoked_at: null,
    })
    .execute();
  return { token, sessionId, device };
}

/** Revoke a device and every session on it. `communeId` scopes the lookup (null = département admin). */
export async function revokeDeviceById(db: HubDb, deviceId: string, communeId: string | null): Promise<Selectable<DevicesTable>> {
  let q = db.selectFrom('devices').selectAll().where('id', '=', deviceId);
  if (communeId !== null) q = q.where('commune_id', '=', communeId);
  const device = await q.executeTakeFirst();
  if (!device) throw new GuichetError('not_found', 'Cet appareil est introuvable.', `device ${deviceId}`);
  const now = nowIso();
  if (device.revoked_at === null) {
    await db.updateTable('devices').set({ revoked_at: now }).where('id', '=', deviceId).execute();
    device.revoked_at = now;
  }
  await db.updateTable('sessions').set({ revoked_at: now }).where('device_id', '=', deviceId).where('revoked_at', 'is', null).execute();
  return device;
}
