import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VintageRecord } from '../../shared/cadastre/records.js';
import { createTestHub, type SeededCommune, TEST_BACKENDS, type TestHub } from '../test-support.js';
import { importCadastre, PARCELS, VINTAGES } from './import.js';
import { pullAll, syntheticParcel, writeParcelLayer } from './test-support.js';

/** A synthetic commune (Etalab GeoJSON) whose second vintage divides one parcel, merges two and re-measures one. */
const INSEE = '25057';
const parcel = (numero: number, x1: number, x2: number, contenance: number) => syntheticParcel(INSEE, numero, x1, x2, contenance);
const writeLayer = (dir: string, features: unknown[]) => writeParcelLayer(dir, INSEE, features);

describe.each(TEST_BACKENDS)('a new cadastre vintage is a diff (%s)', (backend) => {
  let hub: TestHub;
  let commune: SeededCommune;
  let dir: string;
  beforeAll(async () => {
    hub = await createTestHub(backend);
    commune = await hub.seedCommune({ insee: INSEE, services: ['cadastre'] });
    dir = mkdtempSync(join(tmpdir(), 'cad-vintage-'));
  });
  afterAll(async () => {
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows a division and a merge as such, and sends only the changes', async () => {
    const v1 = [parcel(1, 0, 1, 7500), parcel(2, 1, 2, 7500), parcel(3, 2, 3, 7500), parcel(4, 3, 4, 7500)];
    await importCadastre(hub.db, [writeLayer(dir, v1)], { vintage: '2026-07' });
    const first = await pullAll(hub, commune.secretaireToken);
    const v2 = [parcel(5, 0, 0.5, 3750), parcel(6, 0.5, 1, 3750), parcel(7, 1, 3, 15000), parcel(4, 3, 4, 7498)];
    const [summary] = await importCadastre(hub.db, [writeLayer(dir, v2)], { vintage: '2026-10' });

    const id = (n: number) => `${INSEE}000${'0A'}${String(n).padStart(4, '0')}`;
    expect(summary?.diff).toMatchObject({
      previous: '2026-07',
      counts: { added: 3, removed: 3, changed: 1, divisions: 1, merges: 1 },
      divisions: [{ from: id(1), to: [id(5), id(6)] }],
      merges: [{ from: [id(2), id(3)], to: id(7) }],
      changed: [id(4)],
    });

    const after = await pullAll(hub, commune.secretaireToken);
    const state = (n: number) => after.get(`${PARCELS}/${id(n)}`);
    for (const gone of [1, 2, 3]) expect(state(gone)?.deleted).toBe(true);
    for (const born of [5, 6, 7]) expect(state(born)?.deleted).toBe(false);
    expect(state(4)?.data).toMatchObject({ contenance: 7498 });
    expect(state(4)?.version).toBeGreaterThan(first.get(`${PARCELS}/${id(4)}`)?.version ?? 0);
    const vintage = after.get(`${VINTAGES}/${INSEE}`)?.data as VintageRecord;
    expect(vintage).toMatchObject({ vintage: '2026-10', source: expect.stringContaining('etalab-geojson') });

    // A pull from the first vintage's cursor carries the 7 parcel changes and the vintage, nothing else.
    const cursor = Math.max(...[...first.values()].map((r) => r.version));
    const res = await hub.app.inject({
      method: 'GET',
      url: `/api/v1/sync/pull?cursor=${cursor}`,
      headers: { authorization: `Bearer ${commune.secretaireToken}` },
    });
    const changes = (res.json() as { changes: { collection: string }[] }).changes;
    expect(changes.filter((c) => c.collection === PARCELS)).toHaveLength(7);
  });
});
