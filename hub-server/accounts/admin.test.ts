import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuichetError } from '../../shared/errors.js';
import { createTestHub, TEST_BACKENDS, type TestHub } from '../test-support.js';
import {
  addCollectivite,
  createAdmin,
  issueEnrollmentCode,
  listCollectivites,
  listDevices,
  lookupOfficialCommune,
  lookupOfficialEpci,
  parseServiceList,
  revokeDevice,
  setServices,
} from './admin.js';
import { verifyPassword } from './passwords.js';

describe('official commune lookup', () => {
  it('knows current communes and not others', () => {
    expect(lookupOfficialCommune('10387')).toEqual({ insee: '10387', name: 'Troyes', siren: '211003744', arrondissement: '103' });
    expect(lookupOfficialCommune('2A004')?.name).toBe('Ajaccio');
    expect(lookupOfficialCommune('99999')).toBeNull();
  });

  it('knows the EPCI of the official list with their member communes', () => {
    const troyes = lookupOfficialEpci('200069250');
    expect(troyes).toMatchObject({ siren: '200069250', name: 'CA Troyes Champagne Métropole', type: 'CA' });
    expect(troyes?.members).toContain('10387');
    expect(troyes?.members).toHaveLength(81);
    expect(lookupOfficialEpci('211003744')).toBeNull(); // Troyes' own SIREN: a commune, not an EPCI
  });

  it('parses service lists and rejects unknown services in French', () => {
    expect(parseServiceList('electoral, acts,electoral')).toEqual(['electoral', 'acts']);
    expect(parseServiceList('')).toEqual([]);
    expect(() => parseServiceList('electoral,meteo')).toThrow(/Service inconnu : « meteo »/);
  });
});

describe.each(TEST_BACKENDS)('département administration (%s)', (backend) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub(backend);
  });
  afterAll(async () => hub?.close());

  it('adds communes from the official code, refuses unknown or duplicate ones, sets services', async () => {
    const troyes = await addCollectivite(hub.db, { insee: '10387', services: ['electoral'] });
    expect(troyes).toEqual({
      kind: 'commune',
      insee: '10387',
      siren: '211003744',
      name: 'Troyes',
      arrondissement: '103',
      members: [],
      services: ['electoral'],
    });
    await expect(addCollectivite(hub.db, { insee: '99999' })).rejects.toThrow(/ne correspond à aucune commune/);
    await expect(addCollectivite(hub.db, { insee: 'abc' })).rejects.toThrow(/n'est pas un code INSEE/);
    await expect(addCollectivite(hub.db, { insee: '10387' })).rejects.toThrow(/déjà inscrite sur le hub : Troyes/);
    // The same commune by its SIREN is the same collectivité.
    await expect(addCollectivite(hub.db, { siren: '211003744' })).rejects.toThrow(/déjà inscrite/);
    expect((await setServices(hub.db, '10387', ['electoral', 'acts'])).services).toEqual(['electoral', 'acts']);
    expect((await setServices(hub.db, '211003744', ['acts'])).services).toEqual(['acts']);
    await expect(setServices(hub.db, '10033', [])).rejects.toBeInstanceOf(GuichetError);
  });

  it('adds an EPCI from the official list (name and members from there), never with the electoral list', async () => {
    await expect(addCollectivite(hub.db, { siren: '241000405', services: ['electoral', 'acts'] })).rejects.toThrow(
      /« Listes électorales » est réservé aux communes/,
    );
    await expect(addCollectivite(hub.db, { siren: '241000405', name: 'Autre nom' })).rejects.toThrow(/figure dans la liste officielle/);
    await expect(addCollectivite(hub.db, { insee: '10033', siren: '241000405' })).rejects.toThrow(/celui d'une intercommunalité/);
    const barSurAube = await addCollectivite(hub.db, { siren: '241000405', services: ['acts', 'cadastre'] });
    expect(barSurAube).toMatchObject({
      kind: 'epci',
      insee: null,
      siren: '241000405',
      name: 'CC de la Région de Bar sur Aube',
      services: ['acts', 'cadastre'],
    });
    expect(barSurAube.members).toHaveLength(27);
    expect(barSurAube.members).toContain('10033'); // Bar-sur-Aube
    const rows = await hub.db.selectFrom('collectivite_members').select('insee').execute();
    expect(rows).toHaveLength(27);
    await expect(setServices(hub.db, '241000405', ['electoral'])).rejects.toThrow(/réservé aux communes/);
    await expect(addCollectivite(hub.db, { siren: '241000405' })).rejects.toThrow(/déjà inscrite/);
  });

  it('adds a syndicat declared by the département with its name and member communes', async () => {
    await expect(addCollectivite(hub.db, { siren: '251000113' })).rejects.toThrow(/indiquez son nom \(--name\) et ses communes membres/);
    await expect(addCollectivite(hub.db, { siren: '251000113', name: 'SIVOS', members: ['10034', '99999'] })).rejects.toThrow(
      /99999 ne correspond à aucune commune/,
    );
    await expect(addCollectivite(hub.db, { siren: '2510001', name: 'SIVOS', members: ['10034'] })).rejects.toThrow(/9 chiffres/);
    await expect(
      addCollectivite(hub.db, { siren: '251000113', name: 'SIVOS', members: ['10034'], services: ['electoral'] }),
    ).rejects.toThrow(/réservé aux communes/);
    const sivos = await addCollectivite(hub.db, {
      siren: '251000113',
      name: 'SIVOS de la Vallée',
      members: ['10387', '10034', '10387'],
      services: ['acts'],
    });
    expect(sivos).toEqual({
      kind: 'syndicat',
      insee: null,
      siren: '251000113',
      name: 'SIVOS de la Vallée',
      arrondissement: null,
      members: ['10034', '10387'],
      services: ['acts'],
    });
    const listed = (await listCollectivites(hub.db)).find((c) => c.siren === '251000113');
    expect(listed).toMatchObject({ kind: 'syndicat', kindLabel: 'Syndicat', members: ['10034', '10387'], users: 0 });
  });

  it('issues enrollment codes for groupings too, by SIREN', async () => {
    const { code } = await issueEnrollmentCode(hub.db, '241000405');
    expect(code).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/);
    await expect(issueEnrollmentCode(hub.db, '200000000')).rejects.toThrow(/La collectivité 200000000 n'est pas inscrite/);
  });

  it('counts accounts and active devices per commune, lists and revokes devices', async () => {
    const seeded = await hub.seedCommune({ insee: '10362', services: [] });
    const summary = (await listCollectivites(hub.db)).find((c) => c.insee === '10362');
    expect(summary).toMatchObject({ users: 3, activeDevices: 3 });
    expect(typeof summary?.users).toBe('number');

    const devices = await listDevices(hub.db, '10362');
    expect(devices.map((d) => d.username).sort()).toEqual(['consultation', 'maire', 'secretaire']);
    expect((await revokeDevice(hub.db, seeded.maireDeviceId)).device.revoked).toBe(true);
    expect((await listCollectivites(hub.db)).find((c) => c.insee === '10362')?.activeDevices).toBe(2);
    await expect(revokeDevice(hub.db, 'pas-un-poste')).rejects.toThrow(/introuvable/);
  });

  it('stores only the hash of enrollment codes, valid 30 days', async () => {
    await addCollectivite(hub.db, { insee: '10033' });
    const now = new Date('2026-11-28T12:00:00Z');
    const { code, expiresAt } = await issueEnrollmentCode(hub.db, '10033', now);
    expect(expiresAt).toBe('2026-12-28T12:00:00.000Z');
    const rows = await hub.db.selectFrom('enrollment_codes').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(code);
    await expect(issueEnrollmentCode(hub.db, '10081')).rejects.toThrow(/n'est pas inscrite/);
  });

  it('creates département admins with a scrypt hash', async () => {
    await createAdmin(hub.db, 'helpdesk', 'mot-de-passe-admin-long');
    const row = await hub.db.selectFrom('admins').selectAll().where('username', '=', 'helpdesk').executeTakeFirstOrThrow();
    expect(await verifyPassword('mot-de-passe-admin-long', row.password_hash)).toBe(true);
    expect(await verifyPassword('autre-mot-de-passe', row.password_hash)).toBe(false);
    await expect(createAdmin(hub.db, 'helpdesk', 'mot-de-passe-admin-long')).rejects.toThrow(/existe déjà/);
    await expect(createAdmin(hub.db, 'court', 'court')).rejects.toThrow(/au moins 12 caractères/);
  });
});
