/// <reference path="./edigeo-parser.d.ts" />
import { basename } from 'node:path';
import { type EdigeoFeature, buildFeature } from '@etalab/edigeo-parser/lib/features.js';
import { extractLabels } from '@etalab/edigeo-parser/lib/extras/labels/index.js';
import { getRelationsWithParcelles } from '@etalab/edigeo-parser/lib/extras/numero-voies/index.js';
import { getRelatedParcelleProperties } from '@etalab/edigeo-parser/lib/extras/subdfisc/index.js';
import { createProj } from '@etalab/edigeo-parser/lib/geometry/proj.js';
import { createModel } from '@etalab/edigeo-parser/lib/model/index.js';
import parseInput from '@etalab/edigeo-parser/lib/parse/index.js';
import { makeParcelId } from '../../shared/cadastre/parcel-id.js';
import type { FeatureRecord, PlanGeometry, SurfaceGeometry } from '../../shared/cadastre/records.js';
import { GuichetError } from '../../shared/errors.js';
import { isoDayOrNull, makeFeature, type PlanPart } from './plan-data.js';

/**
 * One EDIGEO sheet (`edigeo-<dep2><com3><prefixe3><section2><feuille2>.tar.bz2`)
 * read with @etalab/edigeo-parser — the parser Etalab builds its GeoJSON
 * with — which reprojects Lambert-93 or the CC zones to WGS84 through proj4.
 * Its `parse()` drops objects whose geometry it cannot build; this runs the
 * same steps (lib/index.js) so that those are reported instead.
 */
const SHEET_NAME = /^edigeo-((?:\d{2}|2A|2B)\d{3})(\d{3})([0-9A-Z]{2})(\d{2})\.tar\.bz2$/i;

export function isEdigeoSheet(file: string): boolean {
  return SHEET_NAME.test(basename(file));
}

async function parseSheet(file: string): Promise<EdigeoFeature[]> {
  const ctx = createModel({ indexedItems: await parseInput(file) });
  ctx.proj = createProj(ctx.srsCode, 4326);
  const built = ctx
    .getItems('FEA')
    .map((fea) => buildFeature(fea, ctx))
    .filter((f): f is EdigeoFeature => f !== undefined);
  ctx.features = Object.fromEntries(built.filter((f) => f.geometry).map((f) => [f.id, f]));
  for (const f of built) {
    if (!f.geometry) continue;
    if (f.layer === 'ZONCOMMUNI') f.extraProperties = { labels: extractLabels(f, ctx) };
    if (f.layer === 'NUMVOIE') f.extraProperties = { relatedParcelles: getRelationsWithParcelles(f, ctx) };
    if (f.layer === 'SUBDFISC') f.extraProperties = { parcelleId: getRelatedParcelleProperties(f, ctx)?.id };
  }
  return built;
}

export async function readEdigeoSheet(file: string): Promise<PlanPart> {
  const m = SHEET_NAME.exec(basename(file));
  if (!m)
    throw new GuichetError(
      'import_rejected',
      `Nom de feuille EDIGEO inattendu : ${basename(file)} (attendu edigeo-<commune><préfixe><section><feuille>.tar.bz2).`,
      'bad sheet name',
    );
  const insee = (m[1] as string).toUpperCase();
  const dep = insee.slice(0, 2);
  let built: EdigeoFeature[];
  try {
    built = await parseSheet(file);
  } catch (err) {
    throw new GuichetError(
      'import_rejected',
      `La feuille ${basename(file)} est illisible (archive tronquée ou corrompue) : l'import est refusé en entier.`,
      `edigeo parse failed: ${(err as Error).message}`.slice(0, 500),
    );
  }
  const part: PlanPart = { insee, communeName: null, parcels: [], features: [], rejected: [], file: basename(file) };
  const str = (v: unknown) => (typeof v === 'string' ? v.trim() : v === undefined || v === null ? '' : String(v));
  const numbers: EdigeoFeature[] = [];
  const roads: FeatureRecord[] = [];
  for (const f of built) {
    const p = f.properties;
    if (!f.geometry) {
      if (KEPT_LAYERS.has(f.layer))
        part.rejected.push({ layer: f.layer, id: f.id, reason: (f.geometryRejectionErrors ?? []).join(', ').slice(0, 200) });
      continue;
    }
    const g = f.geometry as PlanGeometry;
    switch (f.layer) {
      case 'PARCELLE': {
        const idu = str(p.IDU);
        const parcelId = makeParcelId({
          insee: dep + idu.slice(0, 3),
          prefixe: idu.slice(3, 6),
          section: idu.slice(6, 8),
          numero: idu.slice(8, 12),
        });
        part.parcels.push({
          id: parcelId,
          insee,
          prefixe: idu.slice(3, 6),
          section: idu.slice(6, 8),
          numero: idu.slice(8, 12),
          feuille: m[4] as string,
          contenance: typeof p.SUPF === 'number' ? Math.round(p.SUPF) : null,
          arpente: str(p.COAR) === 'A',
          lieuDit: null,
          addresses: [],
          subdivisions: [],
          created: isoDayOrNull(p.DATE_OBS),
          updated: isoDayOrNull(p.DATE_MAJ),
          geometry: g as SurfaceGeometry,
        });
        break;
      }
      case 'COMMUNE':
        part.communeName = str(p.TEX2) || str(p.TEX) || null;
        part.features.push(makeFeature(insee, 'commune', g, { label: part.communeName }));
        break;
      case 'SECTION':
        part.features.push(makeFeature(insee, 'section', g, { label: str(p.TEX) || str(p.IDU).slice(-2) }));
        break;
      case 'SUBDSECT':
        part.features.push(makeFeature(insee, 'feuille', g, { label: str(p.IDU) }));
        break;
      case 'BATIMENT':
        part.features.push(makeFeature(insee, 'batiment', g, { dur: str(p.DUR) === '02' ? 'leger' : 'dur' }));
        break;
      case 'LIEUDIT': {
        const name = [p.TEX, p.TEX2, p.TEX3, p.TEX4].map(str).filter(Boolean).join(' ') || null;
        part.features.push(makeFeature(insee, 'lieudit', g, { label: name }));
        break;
      }
      case 'SUBDFISC': {
        const idu = str(f.extraProperties?.parcelleId);
        const parcel = idu.length === 12 ? dep + idu : null;
        part.features.push(makeFeature(insee, 'subdfisc', g, { label: str(p.TEX) || null, parcel }));
        break;
      }
      case 'NUMVOIE':
        numbers.push(f);
        break;
      case 'ZONCOMMUNI': {
        const parts = (f.extraProperties?.labels as { parts?: string[] } | undefined)?.parts;
        const name = (parts?.length ? parts : [p.TEX, p.TEX2, p.TEX3, p.TEX4].map(str)).filter(Boolean).join(' ').trim();
        if (name) roads.push(makeFeature(insee, 'voie', g, { label: name }));
        break;
      }
    }
  }
  part.features.push(...roads);
  for (const n of numbers) {
    const related = (n.extraProperties?.relatedParcelles as { id: string }[] | undefined) ?? [];
    const parcel = related[0]?.id?.length === 12 ? dep + related[0].id : null;
    part.features.push(makeFeature(insee, 'numvoie', n.geometry as PlanGeometry, { label: str(n.properties.TEX) || null, parcel }));
  }
  return part;
}

const KEPT_LAYERS = new Set(['PARCELLE', 'COMMUNE', 'SECTION', 'SUBDSECT', 'BATIMENT', 'LIEUDIT', 'SUBDFISC', 'NUMVOIE', 'ZONCOMMUNI']);
