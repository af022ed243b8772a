import { z } from 'zod';
import type { ChannelSpec, InputSchemas } from '../api/channel.js';
import type { BBox } from './geometry.js';
import {
  FEATURE_KINDS,
  type FeatureKind,
  type FeatureRecord,
  type ParcelRecord,
  type SurfaceGeometry,
  type VintageRecord,
} from './records.js';

/** Renderer ↔ main channels of the cadastre plan (`cadastre:*`). */

export interface CadastreOverview {
  /** One per commune of the territory on this PC. */
  communes: VintageRecord[];
  parcels: number;
  /** WGS84 extent of the territory's parcels, null before the first sync. */
  extent: BBox | null;
}

export interface ParcelHit {
  id: string;
  /** `ZB 12` (with the préfixe when there is one). */
  ref: string;
  insee: string;
  commune: string | null;
  contenance: number | null;
  lieuDit: string | null;
  address: string | null;
  /** What matched: the id, section + numéro, a lieu-dit or an address. */
  match: 'id' | 'section' | 'lieudit' | 'adresse';
  bbox: BBox;
}

/** What the map shows in a view: parcels (with their label) and the other objects. */
export interface MapContent {
  parcels: { id: string; label: string; geometry: SurfaceGeometry }[];
  features: FeatureRecord[];
  /** True when the view held more than the cap: zoom in to see every object. */
  truncated: boolean;
}

export interface ParcelFiche {
  parcel: ParcelRecord;
  ref: string;
  commune: string | null;
  vintage: string | null;
  /** Buildings standing on the parcel (dur / léger). */
  buildings: { dur: 'dur' | 'leger' | null; areaM2: number }[];
  neighbours: { id: string; ref: string }[];
}

export interface CadastreFile {
  fileName: string;
  mime: string;
  content: Uint8Array;
}

export interface CadastreChannels {
  'cadastre:overview': ChannelSpec<null, CadastreOverview>;
  'cadastre:search': ChannelSpec<{ q: string; limit?: number }, ParcelHit[]>;
  'cadastre:map': ChannelSpec<{ bbox: BBox; kinds?: FeatureKind[] }, MapContent>;
  'cadastre:parcel': ChannelSpec<{ id: string }, ParcelFiche>;
  'cadastre:releve-pdf': ChannelSpec<{ id: string }, CadastreFile>;
  'cadastre:extract-pdf': ChannelSpec<{ id: string }, CadastreFile>;
}

const bbox = z.tuple([z.number(), z.number(), z.number(), z.number()]);
const id = z.object({ id: z.string().min(1).max(20) });
export const cadastreInputs: InputSchemas<CadastreChannels> = {
  'cadastre:overview': z.null(),
  'cadastre:search': z.object({ q: z.string().max(200), limit: z.number().int().min(1).max(100).optional() }),
  'cadastre:map': z.object({ bbox, kinds: z.array(z.enum(FEATURE_KINDS)).max(FEATURE_KINDS.length).optional() }),
  'cadastre:parcel': id,
  'cadastre:releve-pdf': id,
  'cadastre:extract-pdf': id,
};
