import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { HUB_ROUTES } from '../../shared/api/hub.js';
import type { FeatureRecord, ParcelRecord, VintageRecord } from '../../shared/cadastre/records.js';
import type { SyncRecord } from '../../shared/sync/protocol.js';
import type { TestHub } from '../test-support.js';

/** The 8 real EDIGEO sheets of Luxiol (25354), copied in test/fixtures/cadastre (open data). */
export const LUXIOL_DIR = join(import.meta.dirname, '../../test/fixtures/cadastre/edigeo-25354');
export const LUXIOL_SHEETS = readdirSync(LUXIOL_DIR)
  .filter((f) => f.endsWith('.tar.bz2'))
  .sort()
  .map((f) => join(LUXIOL_DIR, f));

/** Every change a device's token pulls from cursor 0 (all pages), latest state per record. */
export async function pullAll(hub: TestHub, token: string): Promise<Map<string, SyncRecord>> {
  const out = new Map<string, SyncRecord>();
  let cursor = 0;
  for (;;) {
    const res = await hub.app.inject({
      method: 'GET',
      url: `${HUB_ROUTES.syncPull.path}?cursor=${cursor}&limit=5000`,
      headers: { authorization: `Bearer ${token}` },
    });
    if (res.statusCode !== 200) throw new Error(`pull ${res.statusCode} ${res.body}`);
    const body = res.json() as { changes: SyncRecord[]; cursor: number; hasMore: boolean };
    for (const c of body.changes) out.set(`${c.collection}/${c.id}`, c);
    cursor = body.cursor;
    if (!body.hasMore) return out;
  }
}

/** The live records of one collection in a pull. */
export function live(records: Map<string, SyncRecord>, collection: string): SyncRecord[] {
  return [...records.values()].filter((r) => r.collection === collection && !r.deleted);
}

const SQUARE = {
  type: 'Polygon' as const,
  coordinates: [
    [
      [6.35, 47.38],
      [6.351, 47.38],
      [6.351, 47.381],
      [6.35, 47.381],
      [6.35, 47.38],
    ],
  ] as [number, number][][],
};

/** A valid `cadastre.parcels` record (a random numéro in section ZB of Luxiol). */
export function cadastreParcel(): ParcelRecord {
  const numero = String(1 + Math.floor(Math.random() * 9998)).padStart(4, '0');
  return {
    id: `25354000ZB${numero}` as ParcelRecord['id'],
    insee: '25354',
    prefixe: '000',
    section: 'ZB',
    numero,
    feuille: '01',
    contenance: 1234,
    arpente: false,
    lieuDit: 'AU VILLAGE',
    addresses: [],
    subdivisions: [],
    created: null,
    updated: null,
    geometry: SQUARE,
  };
}

export function cadastreFeature(): FeatureRecord {
  return { id: '25354:batiment:0', insee: '25354', kind: 'batiment', label: null, dur: 'dur', parcel: null, geometry: SQUARE };
}

export function cadastreVintage(): VintageRecord {
  return {
    id: '25354',
    commune: 'LUXIOL',
    vintage: '2026-10',
    source: 'edigeo',
    importedAt: '2026-12-06T10:00:00.000Z',
    counts: { parcelles: 1 },
    diff: {
      previous: null,
      counts: { added: 1, removed: 0, changed: 0, divisions: 0, merges: 0 },
      added: [],
      removed: [],
      changed: [],
      divisions: [],
      merges: [],
    },
  };
}

/** A square parcel of section A (Etalab GeoJSON feature), `x1`–`x2` in thousandths of a degree from a fixed corner. */
export function syntheticParcel(insee: string, numero: number, x1: number, x2: number, contenance: number) {
  const [x0, y0, d] = [6.35, 47.38, 0.001];
  const [a, b] = [x0 + x1 * d, x0 + x2 * d];
  return {
    type: 'Feature',
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [a, y0],
          [b, y0],
          [b, y0 + d],
          [a, y0 + d],
          [a, y0],
        ],
      ],
    },
    properties: {
      id: `${insee}000A0${String(numero).padStart(4, '0')}`,
      commune: insee,
      prefixe: '000',
      section: 'A',
      numero: String(numero),
      contenance,
      arpente: false,
      created: '2010-01-01',
      updated: '2020-01-01',
    },
  };
}

/** Writes `cadastre-<insee>-parcelles.json.gz` as Etalab publishes it; answers its path. */
export function writeParcelLayer(dir: string, insee: string, features: unknown[]): string {
  const file = join(dir, `cadastre-${insee}-parcelles.json.gz`);
  writeFileSync(file, gzipSync(JSON.stringify({ type: 'FeatureCollection', features })));
  return file;
}
