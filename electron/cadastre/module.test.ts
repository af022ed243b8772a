import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPlans } from '../../hub-server/cadastre/import.js';
import { readPlanFiles } from '../../hub-server/cadastre/read-files.js';
import { LUXIOL_SHEETS } from '../../hub-server/cadastre/test-support.js';
import { createTestHub, TEST_PASSWORD, type TestHub } from '../../hub-server/test-support.js';
import { call, openCore, refusal } from '../../test/sync/core-harness.js';
import type { ClientCore } from '../core/client-core.js';

/**
 * The plan of Luxiol on a town-hall PC: loaded on a real hub from the real
 * EDIGEO sheets, pulled by a real client core into its SQLite file, then
 * searched, described and printed offline (the hub is closed first).
 */
let hub: TestHub;
let core: ClientCore;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'guichet-cadastre-'));
  hub = await createTestHub('sqlite');
  const url = await hub.listen();
  await hub.seedCommune({ insee: '25354', services: ['cadastre'] });
  await importPlans(hub.db, await readPlanFiles(LUXIOL_SHEETS), { vintage: '2026-07' });
  core = await openCore(undefined, 'PC secrétaire');
  await call(core, 'session:login', {
    hubUrl: url,
    insee: '25354',
    username: 'consultation',
    password: TEST_PASSWORD,
    deviceName: 'PC accueil',
  });
  expect((await call(core, 'sync:now', null)).lastError).toBeNull();
  await hub.close();
}, 180_000);
afterAll(async () => {
  await core?.close();
  rmSync(dir, { recursive: true, force: true });
});

const pdfText = (content: Uint8Array, name: string) => {
  const file = join(dir, name);
  writeFileSync(file, content);
  return { text: execFileSync('pdftotext', ['-layout', file, '-']).toString(), info: execFileSync('pdfinfo', [file]).toString() };
};

describe('the cadastre plan on the PC, offline', () => {
  it('holds the whole territory with its vintage', async () => {
    const o = await call(core, 'cadastre:overview', null);
    expect(o.parcels).toBe(511);
    expect(o.communes).toEqual([expect.objectContaining({ id: '25354', commune: 'LUXIOL', vintage: '2026-07' })]);
    expect(o.extent?.[0]).toBeGreaterThan(6.3);
  });

  it('finds a parcel in every form people type', async () => {
    for (const q of ['ZB 12', 'zb 12', 'ZB12', 'ZB 0012', '25354000ZB0012', '354000ZB0012'.padStart(14, '25')]) {
      const hits = await call(core, 'cadastre:search', { q });
      expect(hits[0], q).toMatchObject({ id: '25354000ZB0012', ref: 'ZB 12', commune: 'LUXIOL' });
    }
    // As you type: « ZB 1 » lists ZB 1 first, then ZB 10…, ZB 100…
    const typing = await call(core, 'cadastre:search', { q: 'ZB 1' });
    expect(typing.length).toBeGreaterThan(1);
    expect(typing.every((h) => h.ref.startsWith('ZB 1'))).toBe(true);
    expect(await call(core, 'cadastre:search', { q: 'ZZ 9999' })).toEqual([]);
  });

  it('finds parcels by lieu-dit and by address, accents and case aside', async () => {
    const village = await call(core, 'cadastre:search', { q: 'au village' });
    expect(village.length).toBeGreaterThan(5);
    expect(village.every((h) => h.lieuDit === 'AU VILLAGE' && h.match === 'lieudit')).toBe(true);
    const street = await call(core, 'cadastre:search', { q: '2 rue de la cote' });
    expect(street[0]).toMatchObject({ address: '2 Rue de la Côte', match: 'adresse' });
  });

  it('describes a parcel: contenance in m² and ha a ca, buildings, subdivisions, neighbours, vintage', async () => {
    const f = await call(core, 'cadastre:parcel', { id: '25354000AK0196' });
    expect(f).toMatchObject({ ref: 'AK 196', commune: 'LUXIOL', vintage: '2026-07' });
    expect(f.parcel).toMatchObject({ contenance: 4665, lieuDit: 'AU VILLAGE', subdivisions: ['a'], addresses: ['2 Rue de la Côte'] });
    expect(f.buildings.length).toBeGreaterThan(0);
    expect(f.neighbours.length).toBeGreaterThan(1);
    // Neighbourhood is symmetric: each neighbour lists this parcel back.
    for (const n of f.neighbours.slice(0, 3)) {
      const back = await call(core, 'cadastre:parcel', { id: n.id });
      expect(back.neighbours.map((x) => x.id)).toContain('25354000AK0196');
    }
    const e = await refusal(core, 'cadastre:parcel', { id: '25354000AK9999' });
    expect(e).toMatchObject({ code: 'not_found', message: expect.stringContaining('AK 9999') });
  });

  it('prints the relevé parcellaire and the map extract as A4 PDFs with the source and vintage', async () => {
    const releve = await call(core, 'cadastre:releve-pdf', { id: '25354000AK0196' });
    const r = pdfText(releve.content, releve.fileName);
    expect(r.info).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
    for (const s of [
      'Relevé parcellaire',
      '25354000AK0196',
      '4 665 m²',
      '46 a 65 ca',
      'AU VILLAGE',
      '2 Rue de la Côte',
      'millésime 2026-07',
      'DGFiP – PCI vecteur',
    ])
      expect(r.text).toContain(s);
    const extract = await call(core, 'cadastre:extract-pdf', { id: '25354000AK0196' });
    const x = pdfText(extract.content, extract.fileName);
    expect(x.info).toMatch(/Pages:\s+1\n/);
    expect(x.info).toMatch(/A4/);
    expect(x.text).toMatch(/Échelle 1:\d[\d\s ]*\d/);
    expect(x.text).toContain('N');
    expect(x.text).toContain('millésime 2026-07');
    expect(x.text).toContain('196');
  });

  it('gives the map what is in view, and nothing far away', async () => {
    const o = await call(core, 'cadastre:overview', null);
    const all = await call(core, 'cadastre:map', { bbox: o.extent! });
    expect(all.parcels).toHaveLength(511);
    expect(new Set(all.features.map((f) => f.kind))).toEqual(
      new Set(['commune', 'section', 'feuille', 'batiment', 'lieudit', 'subdfisc', 'voie', 'numvoie']),
    );
    expect((await call(core, 'cadastre:map', { bbox: [0, 0, 0.1, 0.1] })).parcels).toEqual([]);
  });
});
