import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { allowedServices, type CollectiviteKind } from '../../shared/accounts/collectivites.js';
import { SERVICES, type CommuneRole, type Service } from '../../shared/accounts/roles.js';
import type { CommuneInfo, DeviceInfo, UserInfo } from '../../shared/accounts/types.js';
import { GuichetError } from '../../shared/errors.js';
import { nowIso } from '../db/dialect.js';
import type { HubDatabase } from '../db/schema.js';
import type { CollectivitesTable, DevicesTable, UsersTable } from './tables.js';
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

/**
 * The services a collectivité is granted: what it opted into, cut down to what its kind may use.
 * Every read of a tenant's services goes through here, so a row edited by hand cannot open
 * the electoral list to a grouping.
 */
export function grantedServices(row: Pick<Selectable<CollectivitesTable>, 'kind' | 'services'>): Service[] {
  return allowedServices(row.kind, parseServices(row.services));
}

/** The collectivité as the PC is told about it (session grant, `me`). */
export function toCommuneInfo(row: Selectable<CollectivitesTable>, members: string[]): CommuneInfo {
  return {
    kind: row.kind,
    insee: row.insee,
    siren: row.siren,
    name: row.name,
    arrondissement: row.arrondissement,
    members,
    services: grantedServices(row),
  };
}

/** A grouping's member communes (INSEE codes, sorted); empty for a commune. */
export async function membersOf(db: HubDb, collectiviteId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('collectivite_members')
    .select('insee')
    .where('collectivite_id', '=', collectiviteId)
    .orderBy('insee')
    .execute();
  return rows.map((r) => r.insee);
}

/** The INSEE codes a collectivité covers: a commune itself, a grouping its members. */
export function territoryOf(row: { insee: string | null }, members: string[]): string[] {
  return row.insee !== null ? [row.insee] : members;
}

/** The collectivité with id `id` as the PC is told about it. */
export async function collectiviteInfo(db: HubDb, id: string): Promise<CommuneInfo> {
  const row = await db.selectFrom('collectivites').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return toCommuneInfo(row, await membersOf(db, id));
}

export function toUserInfo(row: Selectable<UsersTable>, grants: string[] = []): UserInfo {
  return {
    grants,
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role as CommuneRole,
    disabled: Number(row.disabled) === 1,
    mustChangePassword: Number(row.must_change_password) === 1,
  };
}

/** `current`: the device of the session asking (« ce poste »). */
export function toDeviceInfo(row: Selectable<DevicesTable>, currentDeviceId: string | null = null): DeviceInfo {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    revoked: row.revoked_at !== null,
    current: row.id === currentDeviceId,
  };
}

export interface NewCollectivite {
  kind: CollectiviteKind;
  siren: string;
  /** Communes only. */
  insee: string | null;
  name: string;
  arrondissement: string | null;
  /** Groupings only: INSEE codes of the member communes. */
  members: string[];
  services: Service[];
}

/** Registers a collectivité and its members in one transaction; refuses a SIREN or INSEE code already registered. */
export async function insertCollectivite(db: HubDb, c: NewCollectivite): Promise<Selectable<CollectivitesTable>> {
  if (!db.isTransaction) return (db as Kysely<HubDatabase>).transaction().execute((trx) => insertCollectivite(trx, c));
  const existing = await db
    .selectFrom('collectivites')
    .select(['name', 'siren', 'insee'])
    .where((eb) => (c.insee !== null ? eb.or([eb('siren', '=', c.siren), eb('insee', '=', c.insee)]) : eb('siren', '=', c.siren)))
    .executeTakeFirst();
  if (existing) {
    const code = existing.insee !== null ? `INSEE ${existing.insee}, SIREN ${existing.siren}` : `SIREN ${existing.siren}`;
    throw new GuichetError(
      'conflict',
      `Cette collectivité est déjà inscrite sur le hub : ${existing.name} (${code}).`,
      `siren=${c.siren} insee=${c.insee}`,
    );
  }
  const row = {
    id: randomUUID(),
    kind: c.kind,
    siren: c.siren,
    insee: c.insee,
    name: c.name,
    arrondissement: c.arrondissement,
    services: JSON.stringify(c.services),
    created_at: nowIso(),
  };
  await db.insertInto('collectivites').values(row).execute();
  const members = [...new Set(c.members)];
  if (members.length > 0)
    await db
      .insertInto('collectivite_members')
      .values(members.map((insee) => ({ collectivite_id: row.id, insee })))
      .execute();
  return row;
}

export interface NewUser {
  communeId: string;
  username: string;
  displayName: string;
  role: CommuneRole;
  passwordHash: string;
  /** A password someone else chose (the mayor, the département): to change at first login. */
  temporary?: boolean;
}

export async function insertUser(db: HubDb, u: NewUser): Promise<Selectable<UsersTable>> {
  const existing = await db
    .selectFrom('users')
    .select('id')
    .where('commune_id', '=', u.communeId)
    .where('username', '=', u.username)
    .executeTakeFirst();
  if (existing)
    throw new GuichetError('conflict', `L'identifiant « ${u.username} » est déjà pris dans cette collectivité.`, 'username taken');
  const row = {
    id: randomUUID(),
    commune_id: u.communeId,
    username: u.username,
    display_name: u.displayName,
    role: u.role,
    password_hash: u.passwordHash,
    disabled: 0,
    must_change_password: u.temporary === true ? 1 : 0,
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

/** What the hub keeps of a PC's device key: never the key itself. */
export function deviceKeyHash(deviceKey: string): string {
  return sha256Hex(`guichet-device-key|${deviceKey}`);
}

/**
 * The device row of a login: the PC's own when it presents its device key (looked up in the
 * collectivité only, revoked rows excluded), else a new one bound to the key. A key known in
 * another collectivité finds nothing here: it can never reach another tenant's device, whose
 * (device, mutation) history the sync relies on.
 */
async function deviceForLogin(
  db: HubDb,
  p: { communeId: string; userId: string; deviceName: string; deviceKey?: string },
  now: string,
): Promise<Selectable<DevicesTable>> {
  const keyHash = p.deviceKey === undefined ? null : deviceKeyHash(p.deviceKey);
  if (keyHash !== null) {
    const known = await db
      .selectFrom('devices')
      .selectAll()
      .where('commune_id', '=', p.communeId)
      .where('key_hash', '=', keyHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (known) {
      const update = { user_id: p.userId, name: p.deviceName, last_seen_at: now };
      await db.updateTable('devices').set(update).where('id', '=', known.id).execute();
      return { ...known, ...update };
    }
  }
  const device = {
    id: randomUUID(),
    commune_id: p.communeId,
    user_id: p.userId,
    name: p.deviceName,
    created_at: now,
    last_seen_at: now,
    revoked_at: null,
    key_hash: keyHash,
  };
  await db.insertInto('devices').values(device).execute();
  return device;
}

/** A login or enrollment: the PC's device row (see deviceForLogin) and a new session on it. The token is returned once, only its hash is kept. */
export async function openSession(
  db: HubDb,
  p: { communeId: string; userId: string; deviceName: string; deviceKey?: string },
): Promise<OpenedSession> {
  const now = nowIso();
  const device = await deviceForLogin(db, p, now);
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
