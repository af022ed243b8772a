import { createHash } from 'node:crypto';
import type { FeatureKind, FeatureRecord, ParcelRecord, PlanGeometry } from '../../shared/cadastre/records.js';

/** What one source file (an EDIGEO sheet, an Etalab layer) gives the import, commune by commune. */
export interface PlanPart {
  insee: string;
  communeName: string | null;
  parcels: ParcelRecord[];
  features: FeatureRecord[];
  /** Objects whose geometry the parser could not build (reported, never silently dropped). */
  rejected: { layer: string; id: string; reason: string }[];
  /** The file it came from (for the source and the log). */
  file: string;
}

/** A feature's id: its commune, kind and a hash of what it is (EDIGEO object ids are not stable across vintages). */
export function featureId(insee: string, kind: FeatureKind, label: string | null, geometry: PlanGeometry): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([kind, label, geometry]))
    .digest('hex')
    .slice(0, 20);
  return `${insee}:${kind}:${hash}`;
}

export function makeFeature(
  insee: string,
  kind: FeatureKind,
  geometry: PlanGeometry,
  extra: { label?: string | null; dur?: 'dur' | 'leger' | null; parcel?: string | null } = {},
): FeatureRecord {
  const label = extra.label ?? null;
  return {
    id: featureId(insee, kind, label, geometry),
    insee,
    kind,
    label,
    dur: extra.dur ?? null,
    parcel: extra.parcel ?? null,
    geometry,
  };
}

/** `YYYY-MM-DD` or null. */
export function isoDayOrNull(v: unknown): string | null {
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : null;
}
