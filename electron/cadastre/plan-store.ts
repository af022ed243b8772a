import type Database from 'better-sqlite3';
import {
  bboxOf,
  bboxesTouch,
  containsPoint,
  interiorPoint,
  surfaceAreaM2,
  vertexKeys,
  sharesVertex,
  type BBox,
} from '../../shared/cadastre/geometry.js';
import type { MapContent, ParcelFiche, ParcelHit } from '../../shared/cadastre/ipc.js';
import { formatParcelRef } from '../../shared/cadastre/parcel-id.js';
import type { FeatureKind, FeatureRecord, ParcelRecord, VintageRecord } from '../../shared/cadastre/records.js';
import { ftsExpression, readCadastreQuery } from '../../shared/cadastre/search-query.js';
import { GuichetError } from '../../shared/errors.js';

/** The one reader and writer of the local cadastre tables (migration 001-cadastre). */
export type PlanStore = ReturnType<typeof createPlanStore>;

const MAP_PARCEL_CAP = 6_000;
const MAP_FEATURE_CAP = 12_000;
const HIT_COLUMNS = 'id, insee, contenance, lieu_dit, address, minx, miny, maxx, maxy';

/** The search's SQL, one statement per kind of query (exported for the bench's baseline: the same SQL run bare). */
export const SEARCH_SQL = {
  id: `SELECT ${HIT_COLUMNS} FROM cadastre_parcels WHERE id = ?`,
  idPrefix: `SELECT ${HIT_COLUMNS} FROM cadastre_parcels WHERE id >= ? AND id < ? ORDER BY id LIMIT ?`,
  section: `SELECT ${HIT_COLUMNS} FROM cadastre_parcels
      WHERE section = @section AND (@prefixe IS NULL OR prefixe = @prefixe)
        AND (numero = @numero OR ltrim(numero, '0') LIKE @trimmed || '%')
      ORDER BY numero <> @numero, numero, insee LIMIT @limit`,
  text: `SELECT ${HIT_COLUMNS} FROM cadastre_parcels WHERE rid IN (SELECT rowid FROM cadastre_search WHERE cadastre_search MATCH ? LIMIT ?)
      ORDER BY lieu_dit, address, id`,
} as const;

interface HitRow {
  id: string;
  insee: string;
  contenance: number | null;
  lieu_dit: string | null;
  address: string | null;
  minx: number;
  miny: number;
  maxx: number;
  maxy: number;
}

export function createPlanStore(db: Database.Database) {
  const upsertParcel = db.prepare(`INSERT INTO cadastre_parcels
      (id, version, insee, prefixe, section, numero, contenance, lieu_dit, address, search_text, minx, miny, maxx, maxy, data)
      VALUES (@id, @version, @insee, @prefixe, @section, @numero, @contenance, @lieu_dit, @address, @search_text, @minx, @miny, @maxx, @maxy, @data)
      ON CONFLICT (id) DO UPDATE SET version = excluded.version, insee = excluded.insee, prefixe = excluded.prefixe,
        section = excluded.section, numero = excluded.numero, contenance = excluded.contenance, lieu_dit = excluded.lieu_dit,
        address = excluded.address, search_text = excluded.search_text, minx = excluded.minx, miny = excluded.miny,
        maxx = excluded.maxx, maxy = excluded.maxy, data = excluded.data`);
  const upsertFeature = db.prepare(`INSERT INTO cadastre_features (id, version, insee, kind, parcel, minx, miny, maxx, maxy, data)
      VALUES (@id, @version, @insee, @kind, @parcel, @minx, @miny, @maxx, @maxy, @data)
      ON CONFLICT (id) DO UPDATE SET version = excluded.version, insee = excluded.insee, kind = excluded.kind, parcel = excluded.parcel,
        minx = excluded.minx, miny = excluded.miny, maxx = excluded.maxx, maxy = excluded.maxy, data = excluded.data`);
  const upsertVintage = db.prepare(
    'INSERT INTO cadastre_vintages (id, version, data) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version, data = excluded.data',
  );
  const byId = db.prepare<[string], HitRow>(`SELECT ${HIT_COLUMNS} FROM cadastre_parcels WHERE id = ?`);
  const byIdPrefix = db.prepare<[string, string, number], HitRow>(
    `SELECT ${HIT_COLUMNS} FROM cadastre_parcels WHERE id >= ? AND id < ? ORDER BY id LIMIT ?`,
  );
  const bySection = db.prepare<{ section: string; numero: string; trimmed: string; prefixe: string | null; limit: number }, HitRow>(
    SEARCH_SQL.section,
  );
  const byText = db.prepare<[string, number], HitRow>(SEARCH_SQL.text);
  const parcelsIn = db.prepare<[number, number, number, number, number], { id: string; data: string }>(
    `SELECT p.id, p.data FROM cadastre_parcels_rtree r JOIN cadastre_parcels p ON p.rid = r.rid
      WHERE r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ? LIMIT ?`,
  );
  const featuresIn = db.prepare<[number, number, number, number, number], { kind: string; data: string }>(
    `SELECT f.kind, f.data FROM cadastre_features_rtree r JOIN cadastre_features f ON f.rid = r.rid
      WHERE r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ? LIMIT ?`,
  );
  const parcelData = db.prepare<[string], string>('SELECT data FROM cadastre_parcels WHERE id = ?').pluck();
  const vintages = db.prepare<[], string>('SELECT data FROM cadastre_vintages ORDER BY id').pluck();
  const extent = db.prepare<[], { minx: number | null; miny: number; maxx: number; maxy: number; n: number }>(
    'SELECT min(minx) AS minx, min(miny) AS miny, max(maxx) AS maxx, max(maxy) AS maxy, count(*) AS n FROM cadastre_parcels',
  );

  const communeNames = () =>
    new Map(
      vintages
        .all()
        .map((j) => JSON.parse(j) as VintageRecord)
        .map((v) => [v.id, v]),
    );

  function toHit(r: HitRow, match: ParcelHit['match'], names: Map<string, VintageRecord>): ParcelHit {
    return {
      id: r.id,
      ref: formatParcelRef(r.id),
      insee: r.insee,
      commune: names.get(r.insee)?.commune ?? null,
      contenance: r.contenance,
      lieuDit: r.lieu_dit,
      address: r.address,
      match,
      bbox: [r.minx, r.miny, r.maxx, r.maxy],
    };
  }

  const store = {
    writeParcel(p: ParcelRecord, version: number): void {
      const [minx, miny, maxx, maxy] = bboxOf(p.geometry);
      upsertParcel.run({
        id: p.id,
        version,
        insee: p.insee,
        prefixe: p.prefixe,
        section: p.section,
        numero: p.numero,
        contenance: p.contenance,
        lieu_dit: p.lieuDit,
        address: p.addresses[0] ?? null,
        search_text: [p.lieuDit, ...p.addresses].filter(Boolean).join(' | '),
        minx,
        miny,
        maxx,
        maxy,
        data: JSON.stringify(p),
      });
    },
    writeFeature(f: FeatureRecord, version: number): void {
      const [minx, miny, maxx, maxy] = bboxOf(f.geometry);
      upsertFeature.run({
        id: f.id,
        version,
        insee: f.insee,
        kind: f.kind,
        parcel: f.parcel,
        minx,
        miny,
        maxx,
        maxy,
        data: JSON.stringify(f),
      });
    },
    writeVintage(v: VintageRecord, version: number): void {
      upsertVintage.run(v.id, version, JSON.stringify(v));
    },

    /** Search as you type: id, section + numéro, lieu-dit or address. */
    search(input: string, limit = 20): ParcelHit[] {
      const q = readCadastreQuery(input);
      const names = communeNames();
      switch (q.kind) {
        case 'empty':
          return [];
        case 'id': {
          const row = byId.get(q.id);
          return row ? [toHit(row, 'id', names)] : [];
        }
        case 'id-prefix':
          return byIdPrefix.all(q.prefix, `${q.prefix}~`, limit).map((r) => toHit(r, 'id', names));
        case 'section': {
          const { section, numero, prefixe } = q.ref;
          const trimmed = numero.replace(/^0+/, '');
          return bySection.all({ section, numero, trimmed, prefixe: prefixe ?? null, limit }).map((r) => toHit(r, 'section', names));
        }
        case 'text': {
          const rows = byText.all(ftsExpression(q.tokens), limit);
          return rows.map((r) => toHit(r, lieuDitMatches(r.lieu_dit, q.tokens) ? 'lieudit' : 'adresse', names));
        }
      }
    },

    /** What the map shows in a view (R*Tree on the bounding boxes). */
    mapContent(bbox: BBox, kinds?: readonly FeatureKind[]): MapContent {
      const [minx, miny, maxx, maxy] = bbox;
      const parcels = parcelsIn.all(maxx, minx, maxy, miny, MAP_PARCEL_CAP + 1);
      const features = featuresIn.all(maxx, minx, maxy, miny, MAP_FEATURE_CAP + 1);
      const wanted = kinds ? new Set<string>(kinds) : null;
      return {
        parcels: parcels.slice(0, MAP_PARCEL_CAP).map((r) => {
          const p = JSON.parse(r.data) as ParcelRecord;
          return { id: p.id, label: String(Number(p.numero)), geometry: p.geometry };
        }),
        features: features
          .slice(0, MAP_FEATURE_CAP)
          .filter((f) => !wanted || wanted.has(f.kind))
          .map((f) => JSON.parse(f.data) as FeatureRecord),
        truncated: parcels.length > MAP_PARCEL_CAP || features.length > MAP_FEATURE_CAP,
      };
    },

    parcel(id: string): ParcelRecord {
      const data = parcelData.get(id);
      if (!data)
        throw new GuichetError('not_found', `La parcelle ${formatParcelRef(id)} n'est pas dans le plan de ce poste.`, 'parcel not found');
      return JSON.parse(data) as ParcelRecord;
    },

    /** The fiche: the parcel, its buildings (standing on it), its neighbours (sharing a vertex), its vintage. */
    fiche(id: string): ParcelFiche {
      const parcel = store.parcel(id);
      const box = bboxOf(parcel.geometry);
      const margin = 1e-6;
      const names = communeNames();
      const keys = vertexKeys(parcel.geometry);
      const neighbours = parcelsIn
        .all(box[2] + margin, box[0] - margin, box[3] + margin, box[1] - margin, 500)
        .filter((r) => r.id !== id)
        .map((r) => JSON.parse(r.data) as ParcelRecord)
        .filter((p) => bboxesTouch(bboxOf(p.geometry), box, margin) && sharesVertex(keys, p.geometry))
        .map((p) => ({ id: p.id, ref: formatParcelRef(p.id) }))
        .sort((a, b) => a.id.localeCompare(b.id));
      const buildings = featuresIn
        .all(box[2], box[0], box[3], box[1], 2_000)
        .filter((f) => f.kind === 'batiment')
        .map((f) => JSON.parse(f.data) as FeatureRecord)
        .filter(
          (f) =>
            (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon') &&
            containsPoint(parcel.geometry, interiorPoint(f.geometry)),
        )
        .map((f) => ({ dur: f.dur, areaM2: Math.round(surfaceAreaM2(f.geometry as ParcelRecord['geometry'])) }));
      const v = names.get(parcel.insee);
      return { parcel, ref: formatParcelRef(id), commune: v?.commune ?? null, vintage: v?.vintage ?? null, buildings, neighbours };
    },

    vintages(): VintageRecord[] {
      return vintages.all().map((j) => JSON.parse(j) as VintageRecord);
    },

    extent(): { extent: BBox | null; parcels: number } {
      const e = extent.get();
      return e && e.minx !== null && e.n > 0 ? { extent: [e.minx, e.miny, e.maxx, e.maxy], parcels: e.n } : { extent: null, parcels: 0 };
    },
  };
  return store;
}

function lieuDitMatches(lieuDit: string | null, tokens: readonly string[]): boolean {
  if (!lieuDit) return false;
  const words = lieuDit
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u);
  return tokens.every((t) => words.some((w) => w.startsWith(t)));
}
