import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Kysely } from 'kysely';
import { SERVICES, type Service } from '../../shared/accounts/roles.js';
import type { CommuneInfo, DeviceInfo } from '../../shared/accounts/types.js';
import { GuichetError } from '../../shared/errors.js';
import { nowIso } from '../db/dialect.js';
import type { HubDatabase } from '../db/schema.js';
import { hashPassword } from './passwords.js';
import { insertCommune, revokeDeviceById, toCommuneInfo, toDeviceInfo } from './store.js';
import { enrollmentCodeHash, newEnrollmentCode } from './tokens.js';

/**
 * What the département's administrators do (CLI, demo script, tests):
 * register communes, choose their services, hand out enrollment codes,
 * watch and revoke devices.
 */
export const ENROLLMENT_CODE_DAYS = 30;

interface OfficialCommune {
  code: string;
  nom: string;
  type: string;
  arrondissement?: string;
  siren?: string;
}

let communesByCode: Map<string, OfficialCommune> | undefined;

/** The official record of a current commune (COG, via @etalab/decoupage-administratif), or null. */
export function lookupOfficialCommune(
  insee: string,
): { insee: string; name: string; siren: string | null; arrondissement: string | null } | null {
  if (!communesByCode) {
    const require = createRequire(import.meta.url);
    const list = require('@etalab/decoupage-administratif/data/communes.json') as OfficialCommune[];
    communesByCode = new Map(list.filter((c) => c.type === 'commune-actuelle').map((c) => [c.code, c]));
  }
  const c = communesByCode.get(insee);
  return c ? { insee: c.code, name: c.nom, siren: c.siren ?? null, arrondissement: c.arrondissement ?? null } : null;
}

export function parseServiceList(value: string | string[]): Service[] {
  const items = (Array.isArray(value) ? value : value.split(',')).map((s) => s.trim()).filter(Boolean);
  for (const s of items) {
    if (!(SERVICES as readonly string[]).includes(s)) {
      throw new GuichetError('invalid_input', `Service inconnu : « ${s} ». Services possibles : ${SERVICES.join(', ')}.`, `service ${s}`);
    }
  }
  return [...new Set(items)] as Service[];
}

const INSEE = /^[0-9][0-9AB][0-9]{3}$/;

export async function addCommune(
  db: Kysely<HubDatabase>,
  input: { insee: string; siren?: string; services?: Service[] },
): Promise<CommuneInfo> {
  const insee = input.insee.trim().toUpperCase();
  if (!INSEE.test(insee))
    throw new GuichetError(
      'invalid_input',
      `« ${input.insee} » n'est pas un code INSEE de commune (5 caractères, ex. 10387).`,
      'bad insee format',
    );
  const official = lookupOfficialCommune(insee);
  if (!official)
    throw new GuichetError(
      'invalid_input',
      `Le code INSEE ${insee} ne correspond à aucune commune actuelle du code officiel géographique.`,
      `unknown insee ${insee}`,
    );
  const siren = input.siren ?? official.siren;
  if (!siren || !/^[0-9]{9}$/.test(siren)) throw new GuichetError('invalid_input', 'Le numéro SIREN doit faire 9 chiffres.', 'bad siren');
  const row = await insertCommune(db, {
    insee,
    siren,
    name: official.name,
    arrondissement: official.arrondissement,
    services: input.services ?? [],
  });
  return toCommuneInfo(row);
}

async function communeByInsee(db: Kysely<HubDatabase>, insee: string) {
  const row = await db.selectFrom('communes').selectAll().where('insee', '=', insee.trim().toUpperCase()).executeTakeFirst();
  if (!row) throw new GuichetError('not_found', `La commune ${insee} n'est pas inscrite sur le hub.`, `insee ${insee}`);
  return row;
}

export async function setServices(db: Kysely<HubDatabase>, insee: string, services: Service[]): Promise<CommuneInfo> {
  const row = await communeByInsee(db, insee);
  const json = JSON.stringify(services);
  await db.updateTable('communes').set({ services: json }).where('id', '=', row.id).execute();
  return toCommuneInfo({ ...row, services: json });
}

/** A new one-time code for the commune's first (maire) account. The code is returned once; only its hash is kept. */
export async function issueEnrollmentCode(
  db: Kysely<HubDatabase>,
  insee: string,
  now = new Date(),
): Promise<{ code: string; expiresAt: string }> {
  const commune = await communeByInsee(db, insee);
  const code = newEnrollmentCode();
  const expiresAt = new Date(now.getTime() + ENROLLMENT_CODE_DAYS * 86_400_000).toISOString();
  await db
    .insertInto('enrollment_codes')
    .values({
      id: randomUUID(),
      commune_id: commune.id,
      code_hash: enrollmentCodeHash(code),
      created_at: now.toISOString(),
      expires_at: expiresAt,
      used_at: null,
    })
    .execute();
  return { code, expiresAt };
}

export interface CommuneSummary extends CommuneInfo {
  users: number;
  activeDevices: number;
}

export async function listCommunes(db: Kysely<HubDatabase>): Promise<CommuneSummary[]> {
  const rows = await db
    .selectFrom('communes as c')
    .selectAll('c')
    .select((eb) => [
      eb
        .selectFrom('users as u')
        .whereRef('u.commune_id', '=', 'c.id')
        .select((e) => e.fn.countAll<number>().as('n'))
        .as('users'),
      eb
        .selectFrom('devices as d')
        .whereRef('d.commune_id', '=', 'c.id')
        .where('d.revoked_at', 'is', null)
        .select((e) => e.fn.countAll<number>().as('n'))
        .as('activeDevices'),
    ])
    .orderBy('c.insee')
    .execute();
  return rows.map((r) => ({ ...toCommuneInfo(r), users: Number(r.users ?? 0), activeDevices: Number(r.activeDevices ?? 0) }));
}

export interface AdminDeviceView extends DeviceInfo {
  /** Username of the account the device logged in with (no personal data beyond the login). */
  username: string;
}

export async function listDevices(db: Kysely<HubDatabase>, insee: string): Promise<AdminDeviceView[]> {
  const commune = await communeByInsee(db, insee);
  const rows = await db
    .selectFrom('devices as d')
    .innerJoin('users as u', 'u.id', 'd.user_id')
    .selectAll('d')
    .select('u.username as username')
    .where('d.commune_id', '=', commune.id)
    .orderBy('d.created_at')
    .execute();
  return rows.map((r) => ({ ...toDeviceInfo(r), username: r.username }));
}

export async function revokeDevice(db: Kysely<HubDatabase>, deviceId: string): Promise<DeviceInfo> {
  return toDeviceInfo(await db.transaction().execute((trx) => revokeDeviceById(trx, deviceId, null)));
}

export async function createAdmin(db: Kysely<HubDatabase>, username: string, password: string): Promise<void> {
  if (!/^[a-z0-9._-]{3,40}$/.test(username))
    throw new GuichetError(
      'invalid_input',
      "L'identifiant doit faire de 3 à 40 caractères : lettres minuscules sans accent, chiffres, point, tiret.",
      'bad admin username',
    );
  if (password.length < 12)
    throw new GuichetError(
      'invalid_input',
      "Le mot de passe d'un administrateur doit faire au moins 12 caractères.",
      'admin password too short',
    );
  const existing = await db.selectFrom('admins').select('id').where('username', '=', username).executeTakeFirst();
  if (existing) throw new GuichetError('conflict', `L'administrateur « ${username} » existe déjà.`, 'admin exists');
  await db
    .insertInto('admins')
    .values({ id: randomUUID(), username, password_hash: await hashPassword(password), created_at: nowIso() })
    .execute();
}
