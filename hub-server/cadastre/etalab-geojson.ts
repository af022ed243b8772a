import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { makeParcelId, padSection } from '../../shared/cadastre/parcel-id.js';
import type { PlanGeometry, SurfaceGeometry } from '../../shared/cadastre/records.js';
import { GuichetError } from '../../shared/errors.js';
import { isoDayOrNull, makeFeature, type PlanPart } from './plan-data.js';

/**
 * Etalab's GeoJSON (`cadastre-<insee|dep>-<layer>.json[.gz]`, WGS84, built
 * from the same EDIGEO sheets by @etalab/edigeo-parser). Properties per layer
 * as in etalab/cadastre lib/convert/pci.js. A département file holds several
 * communes: it gives one part per commune.
 */
const FILE_NAME =
  /^cadastre-([0-9AB]{2,5})-(communes|sections|feuilles|parcelles|batiments|lieux_dits|subdivisions_fiscales)\.json(\.gz)?$/i;

export function isEtalabLayer(file: string): boolean {
  return FILE_NAME.test(basename(file));
}

interface GeoFeature {
  type: 'Feature';
  geometry: PlanGeometry | null;
  properties: Record<string, unknown>;
}

export function readEtalabLayer(file: string): PlanPart[] {
  const name = basename(file);
  const m = FILE_NAME.exec(name);
  if (!m)
    throw new GuichetError(
      'import_rejected',
      `Nom de fichier Etalab inattendu : ${name} (attendu cadastre-<commune>-<couche>.json.gz).`,
      'bad layer name',
    );
  const layer = (m[2] as string).toLowerCase();
  let features: GeoFeature[];
  try {
    const raw = readFileSync(file);
    const text = (m[3] ? gunzipSync(raw) : raw).toString('utf8');
    const parsed = JSON.parse(text) as { type?: string; features?: GeoFeature[] };
    if (parsed.type !== 'FeatureCollection' || !Array.isArray(parsed.features)) throw new Error('not a FeatureCollection');
    features = parsed.features;
  } catch (err) {
    throw new GuichetError(
      'import_rejected',
      `Le fichier ${name} est illisible (GeoJSON tronqué ou corrompu) : l'import est refusé en entier.`,
      `geojson read failed: ${(err as Error).message}`.slice(0, 500),
    );
  }
  const parts = new Map<string, PlanPart>();
  const partOf = (insee: string) => {
    let p = parts.get(insee);
    if (!p) {
      p = { insee, communeName: null, parcels: [], features: [], rejected: [], file: name };
      parts.set(insee, p);
    }
    return p;
  };
  features.forEach((f, i) => {
    const p = f.properties ?? {};
    const insee = String(p.commune ?? p.id ?? '')
      .slice(0, 5)
      .toUpperCase();
    if (!/^(\d{2}|2A|2B)\d{3}$/.test(insee))
      throw new GuichetError(
        'import_rejected',
        `Le fichier ${name} contient un objet sans commune (objet n° ${i + 1}).`,
        `feature ${i} without commune`,
      );
    const part = partOf(insee);
    if (!f.geometry) {
      part.rejected.push({ layer, id: String(p.id ?? i), reason: 'no geometry' });
      return;
    }
    const g = f.geometry;
    const str = (v: unknown) => (v === undefined || v === null ? '' : String(v).trim());
    switch (layer) {
      case 'parcelles': {
        const id = makeParcelId({ insee, prefixe: str(p.prefixe) || '000', section: str(p.section), numero: str(p.numero) });
        part.parcels.push({
          id,
          insee,
          prefixe: id.slice(5, 8),
          section: padSection(str(p.section)),
          numero: id.slice(10, 14),
          feuille: null,
          contenance: typeof p.contenance === 'number' ? Math.round(p.contenance) : null,
          arpente: p.arpente === true,
          lieuDit: null,
          addresses: [],
          subdivisions: [],
          created: isoDayOrNull(p.created),
          updated: isoDayOrNull(p.updated),
          geometry: g as SurfaceGeometry,
        });
        break;
      }
      case 'communes':
        part.communeName = str(p.nom) || null;
        part.features.push(makeFeature(insee, 'commune', g, { label: part.communeName }));
        break;
      case 'sections':
        part.features.push(makeFeature(insee, 'section', g, { label: str(p.code) || str(p.id).slice(-2) }));
        break;
      case 'feuilles':
        part.features.push(makeFeature(insee, 'feuille', g, { label: str(p.id) }));
        break;
      case 'batiments':
        part.features.push(makeFeature(insee, 'batiment', g, { dur: str(p.type) === '02' ? 'leger' : 'dur' }));
        break;
      case 'lieux_dits':
        part.features.push(makeFeature(insee, 'lieudit', g, { label: str(p.nom) || null }));
        break;
      case 'subdivisions_fiscales':
        part.features.push(makeFeature(insee, 'subdfisc', g, { label: str(p.lettre) || null, parcel: str(p.parcelle) || null }));
        break;
    }
  });
  return [...parts.values()];
}
