import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Kysely } from 'kysely';
import { type CollectiviteKind, INSEE_PATTERN, KIND_LABELS, SIREN_PATTERN, servicesRefusal } from '../../shared/accounts/collectivites.js';
import { SERVICES, type Service } from '../../shared/accounts/roles.js';
import type { CommuneInfo, DeviceInfo, PasswordReset, RevokeDeviceResponse } from '../../shared/accounts/types.js';
import { GuichetError } from '../../shared/errors.js';
import { nowIso } from '../db/dialect.js';
import type { HubDatabase } from '../db/schema.js';
import { resetToTemporary, resetUsersOfDevice } from './password-changes.js';
import { enforcePasswordPolicy, hashPassword } from './passwords.js';
import { type NewCollectivite, insertCollectivite, membersOf, revokeDeviceById, toCommuneInfo, toDeviceInfo } from './store.js';
import { enrollmentCodeHash, newEnrollmentCode } from './tokens.js';

/**
 * What the département's administrators do (CLI, demo script, tests):
 * register collectivités (communes, EPCI, syndicats), choose their services,
 * hand out enrollment codes, watch and revoke devices.
 */
export const ENROLLMENT_CODE_DAYS = 30;

interface OfficialCommune {
  code: string;
  nom: string;
  type: string;
  arrondissement?: string;
  siren?: string;
}

interface OfficialEpci {
  code: string;
  nom: string;
  type: string;
  membres: { code: string; siren?: string; nom: string }[];
}

/** A current commune of the code officiel géographique. */
export interface OfficialCommuneRecord {
  insee: string;
  name: string;
  siren: string | null;
  arrondissement: string | null;
}

/** An EPCI with its own taxation (CC, CA, CU, métropole) and its member communes. */
export interface OfficialEpciRecord {
  siren: string;
  name: string;
  /** CC, CA, CU, METRO… */
  type: string;
  members: string[];
}

// The official lists (@etalab/decoupage-administratif, one vintage of the COG and of BANATIC), read once.
let official: { byInsee: Map<string, OfficialCommune>; bySiren: Map<string, OfficialCommune>; epci: Map<string, OfficialEpci> } | undefined;

function officialLists() {
  if (!official) {
    const require = createRequire(import.meta.url);
    const communes = (require('@etalab/decoupage-administratif/data/communes.json') as OfficialCommune[]).filter(
      (c) => c.type === 'commune-actuelle',
    );
    const epci = require('@etalab/decoupage-administratif/data/epci.json') as OfficialEpci[];
    official = {
      byInsee: new Map(communes.map((c) => [c.code, c])),
      bySiren: new Map(communes.filter((c) => c.siren).map((c) => [c.siren as string, c])),
      epci: new Map(epci.map((e) => [e.code, e])),
    };
  }
  return official;
}

function communeRecord(c: OfficialCommune): OfficialCommuneRecord {
  return { insee: c.code, name: c.nom, siren: c.siren ?? null, arrondissement: c.arrondissement ?? null };
}

/** The official record of a current commune (COG, via @etalab/decoupage-administratif), or null. */
export function lookupOfficialCommune(insee: string): OfficialCommuneRecord | null {
  const c = officialLists().byInsee.get(insee);
  return c ? communeRecord(c) : null;
}

/** The official EPCI with this SIREN (epci.json), or null. */
export function lookupOfficialEpci(siren: string): OfficialEpciRecord | null {
  const e = officialLists().epci.get(siren);
  return e ? { siren: e.code, name: e.nom, type: e.type, members: e.membres.map((m) => m.code).sort() } : null;
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

/** INSEE codes as typed by an administrator ("10034, 10387"). */
export function parseMemberList(value: string | string[]): string[] {
  const items = (Array.isArray(value) ? value : value.split(',')).map((s) => s.trim().toUpperCase()).filter(Boolean);
  return [...new Set(items)];
}

function checkInsee(insee: string): OfficialCommuneRecord {
  if (!INSEE_PATTERN.test(insee))
    throw new GuichetError(
      'invalid_input',
      `« ${insee} » n'est pas un code INSEE de commune (5 caractères, ex. 10387).`,
      'bad insee format',
    );
  const found = lookupOfficialCommune(insee);
  if (!found)
    throw new GuichetError(
      'invalid_input',
      `Le code INSEE ${insee} ne correspond à aucune commune actuelle du code officiel géographique.`,
      `unknown insee ${insee}`,
    );
  return found;
}

function checkSiren(siren: string): void {
  if (!SIREN_PATTERN.test(siren)) throw new GuichetError('invalid_input', 'Le numéro SIREN doit faire 9 chiffres.', 'bad siren');
}

export interface AddCollectiviteInput {
  /** A commune, by its INSEE code (name, arrondissement and SIREN from the official code). */
  insee?: string;
  /**
   * With `insee`: the commune's SIREN when the official code lacks it. Alone: an EPCI of the official
   * list (name and members taken from it), a commune by its SIREN, or else a syndicat (give `name` and `members`).
   */
  siren?: string;
  /** Syndicats only: the name the département declares. */
  name?: string;
  /** Syndicats only: INSEE codes of the member communes. */
  members?: string[];
  services?: Service[];
}

/** What `insee`/`siren` designate: the row to register, from the official lists or the département's declaration. */
function resolveNew(input: AddCollectiviteInput): Omit<NewCollectivite, 'services'> {
  const insee = input.insee?.trim().toUpperCase();
  const siren = input.siren?.trim();
  const declared = input.name !== undefined || (input.members !== undefined && input.members.length > 0);
  if (insee === undefined && siren === undefined)
    throw new GuichetError('invalid_input', 'Indiquez le code INSEE de la commune ou le SIREN du groupement.', 'no insee nor siren');
  if (siren !== undefined) checkSiren(siren);

  const commune = insee !== undefined ? checkInsee(insee) : siren !== undefined ? lookupBySiren(siren) : null;
  const epci = insee === undefined && siren !== undefined ? lookupOfficialEpci(siren) : null;
  if ((commune || epci) && declared)
    throw new GuichetError(
      'invalid_input',
      `${commune ? `La commune ${commune.name}` : `L'intercommunalité ${epci?.name}`} figure dans la liste officielle : son nom et ses communes en sont tirés, n'indiquez ni --name ni --members.`,
      'name/members given for an official collectivité',
    );
  if (commune) {
    if (insee !== undefined && siren !== undefined && lookupOfficialEpci(siren))
      throw new GuichetError(
        'invalid_input',
        `Le SIREN ${siren} est celui d'une intercommunalité, pas de la commune ${commune.name}.`,
        'epci siren for a commune',
      );
    const ownSiren = siren ?? commune.siren;
    if (!ownSiren)
      throw new GuichetError('invalid_input', `Le SIREN de ${commune.name} est inconnu : indiquez-le avec --siren.`, 'no siren');
    return {
      kind: 'commune',
      insee: commune.insee,
      siren: ownSiren,
      name: commune.name,
      arrondissement: commune.arrondissement,
      members: [],
    };
  }
  if (epci) return { kind: 'epci', insee: null, siren: epci.siren, name: epci.name, arrondissement: null, members: epci.members };

  // Neither a commune nor an EPCI of the official lists: a syndicat the département declares.
  const name = input.name?.trim() ?? '';
  const members = parseMemberList(input.members ?? []);
  if (name.length === 0 || members.length === 0)
    throw new GuichetError(
      'invalid_input',
      `Le SIREN ${siren} n'est ni celui d'une commune ni celui d'une intercommunalité de la liste officielle. Pour un syndicat, indiquez son nom (--name) et ses communes membres (--members 10034,10387).`,
      `unknown siren ${siren}`,
    );
  if (name.length > 200)
    throw new GuichetError('invalid_input', 'Le nom du syndicat est trop long (200 caractères au plus).', 'name too long');
  if (members.length > 1000)
    throw new GuichetError('invalid_input', 'Un syndicat compte au plus 1 000 communes membres.', 'too many members');
  for (const m of members) checkInsee(m);
  return { kind: 'syndicat', insee: null, siren: siren as string, name, arrondissement: null, members: members.sort() };
}

function lookupBySiren(siren: string): OfficialCommuneRecord | null {
  const c = officialLists().bySiren.get(siren);
  return c ? communeRecord(c) : null;
}

function assertServicesFor(kind: CollectiviteKind, services: readonly Service[]): void {
  const refusal = servicesRefusal(kind, services);
  if (refusal) throw new GuichetError('invalid_input', refusal, `services ${services.join(',')} refused for ${kind}`);
}

/** Register a commune (`insee`), an EPCI (`siren` of the official list) or a syndicat (`siren`, `name`, `members`). */
export async function addCollectivite(db: Kysely<HubDatabase>, input: AddCollectiviteInput): Promise<CommuneInfo> {
  const resolved = resolveNew(input);
  const services = input.services ?? [];
  assertServicesFor(resolved.kind, services);
  const row = await insertCollectivite(db, { ...resolved, services });
  return toCommuneInfo(row, resolved.members);
}

/** A registered collectivité by its code: a commune's INSEE code, or any collectivité's SIREN. */
export async function collectiviteByCode(db: Kysely<HubDatabase>, code: string) {
  const c = code.trim().toUpperCase();
  const row = await db
    .selectFrom('collectivites')
    .selectAll()
    .where(SIREN_PATTERN.test(c) ? 'siren' : 'insee', '=', c)
    .executeTakeFirst();
  if (!row) throw new GuichetError('not_found', `La collectivité ${c} n'est pas inscrite sur le hub.`, `code ${c}`);
  return row;
}

/** Replace the services of the collectivité `code` (INSEE or SIREN); refuses what its kind may not use. */
export async function setServices(db: Kysely<HubDatabase>, code: string, services: Service[]): Promise<CommuneInfo> {
  const row = await collectiviteByCode(db, code);
  assertServicesFor(row.kind, services);
  const json = JSON.stringify(services);
  await db.updateTable('collectivites').set({ services: json }).where('id', '=', row.id).execute();
  return toCommuneInfo({ ...row, services: json }, await membersOf(db, row.id));
}

/**
 * A new one-time code for the first account of the collectivité `code` (INSEE or SIREN): the mayor's,
 * or the président's for a grouping. The code is returned once; only its hash is kept.
 */
export async function issueEnrollmentCode(
  db: Kysely<HubDatabase>,
  code: string,
  now = new Date(),
): Promise<{ code: string; expiresAt: string }> {
  const collectivite = await collectiviteByCode(db, code);
  const enrollment = newEnrollmentCode();
  const expiresAt = new Date(now.getTime() + ENROLLMENT_CODE_DAYS * 86_400_000).toISOString();
  await db
    .insertInto('enrollment_codes')
    .values({
      id: randomUUID(),
      commune_id: collectivite.id,
      code_hash: enrollmentCodeHash(enrollment),
      created_at: now.toISOString(),
      expires_at: expiresAt,
      used_at: null,
    })
    .execute();
  return { code: enrollment, expiresAt };
}

export interface CollectiviteSummary extends CommuneInfo {
  kindLabel: string;
  users: number;
  activeDevices: number;
}

/** Every registered collectivité: communes by INSEE code, then groupings by SIREN. */
export async function listCollectivites(db: Kysely<HubDatabase>): Promise<CollectiviteSummary[]> {
  const rows = await db
    .selectFrom('collectivites as c')
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
    .execute();
  const members = new Map<string, string[]>();
  for (const m of await db.selectFrom('collectivite_members').selectAll().orderBy('insee').execute()) {
    members.set(m.collectivite_id, [...(members.get(m.collectivite_id) ?? []), m.insee]);
  }
  return rows
    .map((r) => ({
      ...toCommuneInfo(r, members.get(r.id) ?? []),
      kindLabel: KIND_LABELS[r.kind],
      users: Number(r.users ?? 0),
      activeDevices: Number(r.activeDevices ?? 0),
    }))
    .sort((a, b) => {
      const ka = a.insee !== null ? `0${a.insee}` : `1${a.siren}`;
      const kb = b.insee !== null ? `0${b.insee}` : `1${b.siren}`;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
}

export interface AdminDeviceView extends DeviceInfo {
  /** Username of the account the device logged in with (no personal data beyond the login). */
  username: string;
}

/** Devices of the collectivité `code` (INSEE or SIREN). */
export async function listDevices(db: Kysely<HubDatabase>, code: string): Promise<AdminDeviceView[]> {
  const commune = await collectiviteByCode(db, code);
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

/**
 * Revokes a device; with `resetPasswords` (a stolen PC) every account that used it gets a temporary
 * password, maire accounts included (the département is who resets them).
 */
export async function revokeDevice(
  db: Kysely<HubDatabase>,
  deviceId: string,
  options: { resetPasswords?: boolean } = {},
): Promise<RevokeDeviceResponse> {
  return db.transaction().execute(async (trx) => {
    const device = await revokeDeviceById(trx, deviceId, null);
    const resets =
      options.resetPasswords === true ? await resetUsersOfDevice(trx, device.id, () => false) : { passwordResets: [], notReset: [] };
    return { device: toDeviceInfo(device), ...resets };
  });
}

/** A temporary password for an account of the collectivité `code` (a mayor who forgot theirs): shown once, changed at first login. */
export async function resetUserPassword(db: Kysely<HubDatabase>, code: string, username: string): Promise<PasswordReset> {
  const collectivite = await collectiviteByCode(db, code);
  return db.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom('users')
      .selectAll()
      .where('commune_id', '=', collectivite.id)
      .where('username', '=', username.trim().toLowerCase())
      .executeTakeFirst();
    if (!user) throw new GuichetError('not_found', `Aucun compte « ${username} » dans cette collectivité.`, 'unknown username');
    return resetToTemporary(trx, user);
  });
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
  enforcePasswordPolicy(password, { username });
  const existing = await db.selectFrom('admins').select('id').where('username', '=', username).executeTakeFirst();
  if (existing) throw new GuichetError('conflict', `L'administrateur « ${username} » existe déjà.`, 'admin exists');
  await db
    .insertInto('admins')
    .values({ id: randomUUID(), username, password_hash: await hashPassword(password), created_at: nowIso() })
    .execute();
}
