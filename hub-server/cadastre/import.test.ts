import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParcelRecord } from '../../shared/cadastre/records.js';
import { MAX_RECORD_BYTES } from '../../shared/sync/protocol.js';
import { createTestHub, type SeededCommune, type SeededGrouping, TEST_BACKENDS, type TestHub } from '../test-support.js';
import { importCadastre, importPlans, PARCELS } from './import.js';
import { type CommunePlan, readPlanFiles } from './read-files.js';
import { cadastreDb } from './tables.js';
import { LUXIOL_SHEETS, live, pullAll } from './test-support.js';

/** Parcel counts per sheet, as GDAL's EDIGEO driver reads them (shared/refs/cadastre/README.md). */
const README_COUNTS: Record<string, number> = { AB: 14, AK: 142, ZB: 68, ZC: 78, ZD: 22, ZE: 61, ZH: 80, ZI: 46 };

function hasOgr(): boolean {
  try {
    execFileSync('ogrinfo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** GDAL's reading of a sheet: IDU → SUPF of every PARCELLE_id (independent of @etalab/edigeo-parser). */
function ogrParcels(sheet: string): Map<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'ogr-'));
  try {
    execFileSync('tar', ['xjf', sheet, '-C', dir]);
    const thf = execFileSync('find', [dir, '-name', '*.THF']).toString().trim().split('\n')[0] as string;
    const out = execFileSync('ogrinfo', ['-ro', '-q', '-geom=NO', thf, 'PARCELLE_id'], { maxBuffer: 64 * 1024 * 1024 }).toString();
    const map = new Map<string, number>();
    for (const block of out.split('OGRFeature').slice(1)) {
      const idu = / IDU \(String\) = (\S+)/.exec(block)?.[1];
      const supf = /SUPF \((?:Real|Integer)\) = (\S+)/.exec(block)?.[1];
      if (idu) map.set(idu, Number(supf));
    }
    return map;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let luxiolPlan: CommunePlan[];
beforeAll(async () => {
  luxiolPlan = await readPlanFiles(LUXIOL_SHEETS);
}, 120_000);

describe.each(TEST_BACKENDS)('cadastre import of the real Luxiol sheets (%s)', (backend) => {
  let hub: TestHub;
  let luxiol: SeededCommune;
  let other: SeededCommune;
  let epci: SeededGrouping;
  let outsider: SeededGrouping;
  beforeAll(async () => {
    hub = await createTestHub(backend);
    luxiol = await hub.seedCommune({ insee: '25354', services: ['cadastre'] });
    other = await hub.seedCommune({ insee: '10034', services: ['cadastre'] });
    epci = await hub.seedGrouping({ kind: 'epci', siren: '200041887', members: ['25354', '25057'], services: ['cadastre'] });
    outsider = await hub.seedGrouping({ kind: 'epci', siren: '200069250', members: ['10034'], services: ['cadastre'] });
  });
  afterAll(async () => hub?.close());

  it('refuses a truncated archive and a commune nobody covers, leaving nothing behind', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cad-bad-'));
    try {
      const truncated = join(dir, basename(LUXIOL_SHEETS[1] as string));
      writeFileSync(truncated, readFileSync(LUXIOL_SHEETS[1] as string).subarray(0, 20_000));
      await expect(importCadastre(hub.db, [LUXIOL_SHEETS[0] as string, truncated], { vintage: '2026-07' })).rejects.toMatchObject({
        code: 'import_rejected',
        message: expect.stringContaining('illisible'),
      });
      const renamed = join(dir, 'edigeo-25999000AB01.tar.bz2');
      copyFileSync(LUXIOL_SHEETS[0] as string, renamed);
      await expect(importCadastre(hub.db, [renamed], { vintage: '2026-07' })).rejects.toMatchObject({
        code: 'import_rejected',
        message: expect.stringContaining('Aucune collectivité'),
      });
      expect(await cadastreDb(hub.db).selectFrom('cadastre_objects').select('id').execute()).toEqual([]);
      expect(live(await pullAll(hub, luxiol.secretaireToken), PARCELS)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('imports the 8 sheets: 511 parcels, counts per sheet as in the README, sent to the commune and its EPCI only', {
    timeout: 120_000,
  }, async () => {
    const [summary] = await importPlans(hub.db, luxiolPlan, { vintage: '2026-07' });
    expect(summary).toMatchObject({ insee: '25354', name: 'LUXIOL', parcels: 511, vintage: '2026-07' });
    expect(summary?.sentTo.sort()).toEqual(['200041887', expect.any(String)].sort());

    const pulled = await pullAll(hub, luxiol.consultationToken);
    const parcels = live(pulled, PARCELS).map((r) => r.data as ParcelRecord);
    const bySection: Record<string, number> = {};
    for (const p of parcels) bySection[p.section] = (bySection[p.section] ?? 0) + 1;
    expect(bySection).toEqual(README_COUNTS);
    for (const r of pulled.values()) expect(JSON.stringify(r.data).length).toBeLessThan(MAX_RECORD_BYTES);
    expect(live(pulled, 'cadastre.features').some((f) => (f.data as { kind: string }).kind === 'batiment')).toBe(true);
    expect(live(pulled, 'cadastre.vintages').map((v) => v.data)).toEqual([expect.objectContaining({ id: '25354', vintage: '2026-07' })]);

    // The EPCI gets its member's plan; another commune and an EPCI Luxiol is not in get none of it.
    expect(live(await pullAll(hub, epci.secretaireToken), PARCELS)).toHaveLength(511);
    expect(live(await pullAll(hub, other.secretaireToken), PARCELS)).toEqual([]);
    expect(live(await pullAll(hub, outsider.maireToken), PARCELS)).toEqual([]);
  });

  it.runIf(hasOgr())('agrees with GDAL on every parcel id and contenance', { timeout: 120_000 }, async () => {
    const parcels = live(await pullAll(hub, luxiol.secretaireToken), PARCELS).map((r) => r.data as ParcelRecord);
    const ours = new Map(parcels.map((p) => [p.id.slice(2), p.contenance]));
    const gdal = new Map<string, number>();
    for (const sheet of LUXIOL_SHEETS) for (const [idu, supf] of ogrParcels(sheet)) gdal.set(idu, supf);
    expect(gdal.size).toBe(511);
    expect(ours).toEqual(gdal);
  });

  it('re-importing the same vintage writes no parcel again', { timeout: 120_000 }, async () => {
    const before = await pullAll(hub, luxiol.secretaireToken);
    const [summary] = await importPlans(hub.db, luxiolPlan, { vintage: '2026-07' });
    expect(summary?.diff.counts).toEqual({ added: 0, removed: 0, changed: 0, divisions: 0, merges: 0 });
    const after = await pullAll(hub, luxiol.secretaireToken);
    for (const [k, r] of before) if (r.collection === PARCELS) expect(after.get(k)?.version).toBe(r.version);
    await expect(importPlans(hub.db, luxiolPlan, { vintage: '2026-04' })).rejects.toMatchObject({
      message: expect.stringContaining('plus ancien'),
    });
  });
});
