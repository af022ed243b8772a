import { bboxesTouch, bboxOf, containsPoint, distanceToLineM, interiorPoint } from '../../shared/cadastre/geometry.js';
import type { Position, SurfaceGeometry } from '../../shared/cadastre/records.js';
import type { PlanPart } from './plan-data.js';

/** A street number further than this from every named road keeps its number alone. */
const ROAD_SEARCH_M = 120;

/**
 * Links each parcel of a part to what the sheet says around it: the lieu-dit
 * whose surface holds it, its subdivisions fiscales, its street numbers with
 * the nearest named road (EDIGEO carries numbers and road names as separate
 * objects; this is how the cadastre plan reads: « 8 » beside « Rue des Champs »).
 */
export function attachToParcels(part: PlanPart): void {
  const lieuxDits = part.features
    .filter((f) => f.kind === 'lieudit' && f.label && (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon'))
    .map((f) => ({ label: f.label as string, geometry: f.geometry as SurfaceGeometry, box: bboxOf(f.geometry) }));
  const roads = part.features
    // A one-word road label (« Rue ») is a fragment of a longer name drawn along the road: not an address.
    .filter((f) => f.kind === 'voie' && f.geometry.type === 'LineString' && (f.label ?? '').includes(' '))
    .map((f) => ({ label: f.label as string, line: f.geometry.coordinates as Position[] }));
  const letters = new Map<string, string[]>();
  const addresses = new Map<string, string[]>();
  for (const f of part.features) {
    if (!f.parcel) continue;
    if (f.kind === 'subdfisc' && f.label) letters.set(f.parcel, [...(letters.get(f.parcel) ?? []), f.label]);
    if (f.kind === 'numvoie' && f.label && f.geometry.type === 'Point') {
      const road = nearestRoad(f.geometry.coordinates, roads);
      addresses.set(f.parcel, [...(addresses.get(f.parcel) ?? []), road ? `${f.label} ${road}` : f.label]);
    }
  }
  for (const p of part.parcels) {
    const point = interiorPoint(p.geometry);
    const box = bboxOf(p.geometry);
    p.lieuDit = lieuxDits.find((l) => bboxesTouch(l.box, box) && containsPoint(l.geometry, point))?.label ?? p.lieuDit;
    p.subdivisions = [...new Set([...p.subdivisions, ...(letters.get(p.id) ?? [])])].sort().slice(0, 60);
    p.addresses = [...new Set([...p.addresses, ...(addresses.get(p.id) ?? [])])].slice(0, 50);
  }
}

function nearestRoad(point: Position, roads: { label: string; line: Position[] }[]): string | null {
  let best: string | null = null;
  let bestD = ROAD_SEARCH_M;
  for (const r of roads) {
    const d = distanceToLineM(point, r.line);
    if (d < bestD) {
      bestD = d;
      best = r.label;
    }
  }
  return best;
}
