import { z } from 'zod';
import { isParcelId, type ParcelId } from './parcel-id.js';

/**
 * The plan's synced records (hub-written, open data: no personal data).
 * One record per object (parcel, building, lieu-dit…), never per feuille: a
 * new vintage then re-sends only the objects that changed, and no record
 * comes near the sync's 256 KB cap (a parcel is 0.5–5 KB; a dense feuille
 * of 1 000 parcels would pass it). The vintage lives in `cadastre.vintages`,
 * not in each object, so an unchanged parcel stays byte-identical across vintages.
 */

const lon = z.number().min(-180).max(180);
const lat = z.number().min(-90).max(90);
/** WGS84 [longitude, latitude], 7 decimals (about 1 cm). */
export const positionSchema = z.tuple([lon, lat]);
const ring = z.array(positionSchema).min(4).max(20_000);
const polygonCoords = z.array(ring).min(1).max(1_000);

export const polygonSchema = z.object({ type: z.literal('Polygon'), coordinates: polygonCoords });
export const multiPolygonSchema = z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(polygonCoords).min(1).max(1_000) });
export const pointSchema = z.object({ type: z.literal('Point'), coordinates: positionSchema });
export const lineSchema = z.object({ type: z.literal('LineString'), coordinates: z.array(positionSchema).min(2).max(20_000) });
export const surfaceSchema = z.discriminatedUnion('type', [polygonSchema, multiPolygonSchema]);
export const geometrySchema = z.discriminatedUnion('type', [polygonSchema, multiPolygonSchema, pointSchema, lineSchema]);

export type Position = z.infer<typeof positionSchema>;
export type SurfaceGeometry = z.infer<typeof surfaceSchema>;
export type PlanGeometry = z.infer<typeof geometrySchema>;

const insee = z.string().regex(/^(\d{2}|2A|2B)\d{3}$/);
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const label = z.string().max(200);

export const parcelRecordSchema = z.object({
  id: z.string().refine(isParcelId, 'identifiant de parcelle invalide') as unknown as z.ZodType<ParcelId>,
  insee,
  prefixe: z.string().regex(/^\d{3}$/),
  section: z.string().regex(/^[0-9A-Z]{2}$/),
  numero: z.string().regex(/^\d{4}$/),
  /** Feuille number within the section (`01`). */
  feuille: z
    .string()
    .regex(/^\d{2}$/)
    .nullable(),
  /** Contenance in m² (EDIGEO `SUPF`), null when the sheet does not carry it. */
  contenance: z.number().int().min(0).max(1e9).nullable(),
  /** Arpentée (EDIGEO `COAR = 'A'`): surveyed, the contenance is measured rather than computed. */
  arpente: z.boolean(),
  lieuDit: label.nullable(),
  /** Street numbers the sheet links to the parcel (`8 Rue des Champs`). */
  addresses: z.array(label).max(50),
  /** Letters of the subdivisions fiscales (`a`, `b`…). */
  subdivisions: z.array(z.string().max(4)).max(60),
  created: isoDay.nullable(),
  updated: isoDay.nullable(),
  geometry: surfaceSchema,
});
export type ParcelRecord = z.infer<typeof parcelRecordSchema>;

export const FEATURE_KINDS = ['commune', 'section', 'feuille', 'batiment', 'lieudit', 'subdfisc', 'numvoie', 'voie'] as const;
export type FeatureKind = (typeof FEATURE_KINDS)[number];

export const FEATURE_KIND_LABELS: Record<FeatureKind, string> = {
  commune: 'Commune',
  section: 'Section',
  feuille: 'Feuille',
  batiment: 'Bâtiment',
  lieudit: 'Lieu-dit',
  subdfisc: 'Subdivision fiscale',
  numvoie: 'Numéro de voie',
  voie: 'Voie',
};

/** Every other object of the plan; id `insee:kind:hash` (a content hash: EDIGEO object ids are not stable across vintages). */
export const featureRecordSchema = z.object({
  id: z.string().max(80),
  insee,
  kind: z.enum(FEATURE_KINDS),
  /** Commune name, section code, feuille id, lieu-dit name, street number or road name; null for a building. */
  label: label.nullable(),
  /** Bâtiment: `dur` (EDIGEO DUR 01) or `leger` (02). */
  dur: z.enum(['dur', 'leger']).nullable(),
  /** Parcel a subdivision fiscale or a street number belongs to. */
  parcel: z.string().max(14).nullable(),
  geometry: geometrySchema,
});
export type FeatureRecord = z.infer<typeof featureRecordSchema>;

const idList = z.array(z.string().max(14)).max(2_000);

/** What changed from the previous vintage (lists capped at 2 000 ids: counts stay exact). */
export const vintageDiffSchema = z.object({
  previous: z.string().max(20).nullable(),
  counts: z.object({
    added: z.number().int().min(0),
    removed: z.number().int().min(0),
    changed: z.number().int().min(0),
    divisions: z.number().int().min(0),
    merges: z.number().int().min(0),
  }),
  added: idList,
  removed: idList,
  changed: idList,
  divisions: z.array(z.object({ from: z.string().max(14), to: idList })).max(500),
  merges: z.array(z.object({ from: idList, to: z.string().max(14) })).max(500),
});
export type VintageDiff = z.infer<typeof vintageDiffSchema>;

/** One per commune of the territory: the vintage on the hub and its changes. */
export const vintageRecordSchema = z.object({
  id: insee,
  commune: label,
  /** Millésime of the PCI vecteur (`2026-10`). */
  vintage: z.string().regex(/^\d{4}-\d{2}$/),
  /** Where it came from: `edigeo` or `etalab-geojson`, with the file names. */
  source: z.string().max(2_000),
  importedAt: z.string().max(40),
  counts: z.record(z.string().max(20), z.number().int().min(0)),
  diff: vintageDiffSchema,
});
export type VintageRecord = z.infer<typeof vintageRecordSchema>;
