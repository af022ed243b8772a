/** The parts of @etalab/edigeo-parser (untyped JavaScript) the import uses: see its lib/index.js. */
declare module '@etalab/edigeo-parser/lib/parse/index.js' {
  export default function parseInput(input: string | Buffer): Promise<unknown>;
}
declare module '@etalab/edigeo-parser/lib/model/index.js' {
  export interface EdigeoFea {
    id: string;
    featureType: string;
  }
  export interface EdigeoModel {
    srsCode: string;
    proj: unknown;
    features: Record<string, unknown>;
    getItems(type: 'FEA'): EdigeoFea[];
  }
  export function createModel(options: { indexedItems: unknown; bundle?: string }): EdigeoModel;
}
declare module '@etalab/edigeo-parser/lib/geometry/proj.js' {
  export function createProj(from: string | number, to?: number): unknown;
}
declare module '@etalab/edigeo-parser/lib/features.js' {
  import type { EdigeoFea, EdigeoModel } from '@etalab/edigeo-parser/lib/model/index.js';
  export interface EdigeoFeature {
    id: string;
    layer: string;
    properties: Record<string, unknown>;
    geometry: { type: string; coordinates: unknown } | null;
    geometryRejectionErrors?: string[];
    extraProperties?: Record<string, unknown>;
  }
  export function buildFeature(fea: EdigeoFea, ctx: EdigeoModel): EdigeoFeature | undefined;
}
declare module '@etalab/edigeo-parser/lib/extras/labels/index.js' {
  export function extractLabels(feature: unknown, ctx: unknown): { parts?: string[] } | undefined;
}
declare module '@etalab/edigeo-parser/lib/extras/numero-voies/index.js' {
  export function getRelationsWithParcelles(feature: unknown, ctx: unknown): { id: string; position: string }[];
}
declare module '@etalab/edigeo-parser/lib/extras/subdfisc/index.js' {
  export function getRelatedParcelleProperties(feature: unknown, ctx: unknown): { id: string } | undefined;
}
