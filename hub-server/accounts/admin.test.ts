import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuichetError } from '../../shared/errors.js';
import { createTestHub, TEST_BACKENDS, type TestHub } from '../test-support.js';
import {
  addCommune,
  createAdmin,
  issueEnrollmentCode,
  listCommunes,
  listDevices,
  lookupOfficialCommune,
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
    const troyes = await addCommune(hub.db, { insee: '10387', services: ['electoral'] });
    expect(troyes).toEqual({ insee: '10387', siren: '211003744', name: 'Troyes', arrondissement: '103', services: ['electoral'] });
    await expect(addCommune(hub.db, { insee: '99999' })).rejects.toThrow(/ne correspond à aucune commune/);
    await expect(addCommune(hub.db, { insee: 'abc' })).rejects.toThrow(/n'est pas un code INSEE/);
    await expect(addCommune(hub.db, { insee: '10387' })).rejects.toThrow(/déjà inscrite/);
    expect((await setServices(hub.db, '10387', ['electoral', 'acts'])).services).toEqual(['electoral', 'acts']);
    await expect(setServices(hub.db, '10033', [])).rejects.toBeInstanceOf(GuichetError);
  });

  it('counts accounts and active devices per commune, lists and revokes devices', async () => {
    const seeded = await hub.seedCommune({ insee: '10362', services: [] });
    const summary = (await listCommunes(hub.db)).find((c) => c.insee === '10362');
    expect(summary).toMatchObject({ users: 3, activeDevices: 3 });
    expect(typeof summary?.users).toBe('number');

    const devices = await listDevices(hub.db, '10362');
    expect(devices.map((d) => d.username).sort()).toEqual(['consultation', 'maire', 'secretaire']);
    expect((await revokeDevice(hub.db, seeded.maireDeviceId)).revoked).toBe(true);
    expect((await listCommunes(hub.db)).find((c) => c.insee === '10362')?.activeDevices).toBe(2);
    await expect(revokeDevice(hub.db, 'pas-un-poste')).rejects.toThrow(/introuvable/);
  });

  it('stores only the hash of enrollment codes, valid 30 days', async () => {
    await addCommune(hub.db, { insee: '10033' });
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
