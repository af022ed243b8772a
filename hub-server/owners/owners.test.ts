import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMajic } from '../../shared/owners/synthetic-majic.js';
import { readAllRecords } from '../sync/store.js';
import { createTestHub, type SeededCommune, TEST_BACKENDS, type TestHub } from '../test-support.js';
import { importMajic } from './import.js';

const majic = generateMajic({ insee: '10034', communeName: 'BAR-SUR-SEINE', seed: 5, comptes: 20 });
const dir = mkdtempSync(join(tmpdir(), 'majic-'));
const files = Object.entries(majic.files).map(([name, text]) => {
  writeFileSync(join(dir, name), iconv.encode(text, 'latin1'));
  return join(dir, name);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(TEST_BACKENDS)('owners on the hub (%s)', (backend) => {
  let hub: TestHub;
  let bar: SeededCommune;
  let other: SeededCommune;
  beforeAll(async () => {
    hub = await createTestHub(backend);
    bar = await hub.seedCommune({ insee: '10034', services: ['majic'] });
    other = await hub.seedCommune({ insee: '10033', services: ['acts'] });
    await importMajic(hub.db, { code: '10034', files, millesime: 2026 });
  });
  afterAll(() => hub?.close());

  const call = (token: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    hub.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload: payload as object } : {}) });
  const pulled = async (token: string) =>
    new Set(((await call(token, 'GET', '/api/v1/sync/pull?cursor=0')).json().changes as { collection: string }[]).map((c) => c.collection));
  const communicate = (token: string, requesterName: string, extra: object = {}) =>
    call(token, 'POST', '/api/v1/owners/communications', {
      id: randomUUID(),
      requesterName,
      requesterKind: 'tiers',
      ownerDnuper: null,
      compteId: majic.traps.indivision,
      parcels: [],
      purpose: 'projet d’achat',
      ...extra,
    });

  it('refuses a MAJIC import for a collectivité without the service, and a corrupt file whole', async () => {
    await expect(importMajic(hub.db, { code: '10033', files, millesime: 2026 })).rejects.toThrow(/n'a pas le service/);
    const before = (await readAllRecords(hub.db, bar.communeId, 'owners.comptes')).length;
    const bad = join(dir, 'bad');
    writeFileSync(
      join(dir, 'REVNBAT.txt'),
      iconv.encode(majic.files['REVNBAT.txt']!.replace(/\n([^\n]{30})[^\n]*\n$/, '\n$1\n'), 'latin1'),
    );
    await expect(importMajic(hub.db, { code: '10034', files, millesime: 2026 })).rejects.toThrow(/REVNBAT\.txt, ligne \d+/);
    writeFileSync(join(dir, 'REVNBAT.txt'), iconv.encode(majic.files['REVNBAT.txt']!, 'latin1'));
    expect((await readAllRecords(hub.db, bar.communeId, 'owners.comptes')).length).toBe(before);
    expect(before).toBeGreaterThan(20);
    void bad;
  });

  it('gives owners to nobody without the mayor’s grant, not even the mayor; crafted requests are refused', async () => {
    for (const token of [bar.maireToken, bar.secretaireToken, bar.consultationToken]) {
      expect(await pulled(token)).not.toContain('owners.comptes');
      expect((await communicate(token, 'Jean Tiers')).statusCode).toBe(403);
    }
    // Only the mayor grants; another collectivité's users see nothing, and cannot grant across.
    expect((await call(bar.secretaireToken, 'PUT', `/api/v1/users/${bar.secretaireUserId}/grants/owners.read`)).statusCode).toBe(403);
    expect((await call(other.maireToken, 'PUT', `/api/v1/users/${bar.secretaireUserId}/grants/owners.read`)).statusCode).toBe(404);
    expect((await call(bar.maireToken, 'PUT', `/api/v1/users/${bar.secretaireUserId}/grants/users.manage`)).statusCode).toBe(400);
    expect((await call(other.maireToken, 'PUT', `/api/v1/users/${other.secretaireUserId}/grants/owners.read`)).statusCode).toBe(200);
    expect(await pulled(other.secretaireToken)).not.toContain('owners.comptes'); // no majic service
    expect((await communicate(other.secretaireToken, 'Jean Tiers')).json().code).toBe('service_not_enabled');
  });

  it('once granted, the user receives the comptes; withdrawn, the next request is refused', async () => {
    const granted = await call(bar.maireToken, 'PUT', `/api/v1/users/${bar.secretaireUserId}/grants/owners.read`);
    expect(granted.json().grants).toEqual(['owners.read']);
    expect(await pulled(bar.secretaireToken)).toContain('owners.comptes');
    expect(await pulled(bar.consultationToken)).not.toContain('owners.comptes');
    await call(bar.maireToken, 'DELETE', `/api/v1/users/${bar.secretaireUserId}/grants/owners.read`);
    expect(await pulled(bar.secretaireToken)).not.toContain('owners.comptes');
    expect((await communicate(bar.secretaireToken, 'Jean Tiers')).statusCode).toBe(403);
  });

  it('counts communications per requester across two PCs: the 6th of the week is refused; an owner is not counted', async () => {
    for (const u of [bar.secretaireUserId, bar.maireUserId]) await call(bar.maireToken, 'PUT', `/api/v1/users/${u}/grants/owners.read`);
    const pcs = [bar.secretaireToken, bar.maireToken];
    for (let i = 0; i < 5; i++) {
      const r = await communicate(pcs[i % 2]!, i % 2 ? 'Agence Immo-Seine' : 'AGENCE IMMO SEINE');
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().usage.week).toBe(i + 1);
    }
    const sixth = await communicate(pcs[1]!, 'agence immo-seine');
    expect(sixth.statusCode).toBe(403);
    expect(sixth.json().message).toMatch(/limite est de 5 par semaine.*R\*107 A-3/);
    expect((await communicate(pcs[0]!, 'Autre Demandeur')).statusCode).toBe(200);
    const owner = (await readAllRecords(hub.db, bar.communeId, 'owners.comptes'))
      .map((r) => JSON.parse(r.json ?? '{}'))
      .find((c) => c.id === majic.traps.indivision).owners[0];
    const self = await communicate(pcs[1]!, 'agence immo seine', { requesterKind: 'proprietaire', ownerDnuper: owner.dnuper });
    expect(self.statusCode, self.body).toBe(200);
    expect(self.json().communication.counted).toBe(false);
    const liar = await communicate(pcs[1]!, 'agence immo seine', { requesterKind: 'proprietaire', ownerDnuper: 'P99999' });
    expect(liar.statusCode).toBe(400);
  });

  it('logs every communication; the mayor exports the log, others may not', async () => {
    const csv = await call(bar.maireToken, 'GET', '/api/v1/owners/journal.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('releve-tiers');
    expect(csv.body.split('\r\n').filter((l) => l.includes('AGENCE IMMO SEINE') || l.includes('Agence Immo-Seine')).length).toBe(5);
    expect((await call(bar.secretaireToken, 'GET', '/api/v1/owners/journal.csv')).statusCode).toBe(403);
  });
});
