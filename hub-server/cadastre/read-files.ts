import { basename } from 'node:path';
import { MAX_RECORD_BYTES } from '../../shared/sync/protocol.js';
import { featureRecordSchema, parcelRecordSchema, type FeatureRecord, type ParcelRecord } from '../../shared/cadastre/records.js';
import { GuichetError } from '../../shared/errors.js';
import { isEdigeoSheet, readEdigeoSheet } from './edigeo-sheet.js';
import { isEtalabLayer, readEtalabLayer } from './etalab-geojson.js';
import type { PlanPart } from './plan-data.js';
import { attachToParcels } from './plan-links.js';

/** A commune's whole plan from the files given, checked: what the import diffs and sends. */
export interface CommunePlan {
  insee: string;
  name: string;
  /** The synced records, parsed by their shared schema, with their exact JSON text. */
  parcels: { record: ParcelRecord; json: string }[];
  features: { record: FeatureRecord; json: string }[];
  files: string[];
  formats: Set<'edigeo' | 'etalab-geojson'>;
  /** Objects of other layers whose geometry could not be built (reported in the log and the summary). */
  rejected: PlanPart['rejected'];
}

const refuse = (message: string, detail: string) => new GuichetError('import_rejected', message, detail);

/** Reads every file (EDIGEO sheets and/or Etalab layers) into one plan per commune; refuses the lot on the first bad one. */
export async function readPlanFiles(files: readonly string[], progress: (line: string) => void = () => {}): Promise<CommunePlan[]> {
  if (files.length === 0) throw refuse('Aucun fichier à importer.', 'no files');
  const parts: { part: PlanPart; format: 'edigeo' | 'etalab-geojson' }[] = [];
  for (const [i, file] of files.entries()) {
    if (isEdigeoSheet(file)) parts.push({ part: await readEdigeoSheet(file), format: 'edigeo' });
    else if (isEtalabLayer(file)) for (const part of readEtalabLayer(file)) parts.push({ part, format: 'etalab-geojson' });
    else
      throw refuse(
        `Fichier non reconnu : ${basename(file)}. Attendu : feuilles EDIGEO (edigeo-….tar.bz2) ou couches Etalab (cadastre-<code>-<couche>.json.gz).`,
        'unknown file kind',
      );
    progress(`${i + 1}/${files.length} ${basename(file)} lu`);
  }
  const byCommune = new Map<string, { parts: PlanPart[]; formats: Set<'edigeo' | 'etalab-geojson'> }>();
  for (const { part, format } of parts) {
    const entry = byCommune.get(part.insee) ?? { parts: [], formats: new Set() };
    entry.parts.push(part);
    entry.formats.add(format);
    byCommune.set(part.insee, entry);
  }
  return [...byCommune.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([insee, { parts: ps, formats }]) => mergeCommune(insee, ps, formats));
}

function mergeCommune(insee: string, parts: PlanPart[], formats: Set<'edigeo' | 'etalab-geojson'>): CommunePlan {
  const merged: PlanPart = { insee, communeName: null, parcels: [], features: [], rejected: [], file: '' };
  const seenParcel = new Map<string, string>();
  const seenFeature = new Set<string>();
  for (const p of parts) {
    merged.communeName ??= p.communeName;
    merged.rejected.push(...p.rejected.map((r) => ({ ...r, id: `${p.file}:${r.id}` })));
    for (const parcel of p.parcels) {
      const json = JSON.stringify(parcel.geometry);
      const other = seenParcel.get(parcel.id);
      if (other !== undefined && other !== json)
        throw refuse(
          `La parcelle ${parcel.id} figure deux fois, avec deux tracés différents (${p.file}) : vérifiez les fichiers.`,
          `duplicate parcel ${parcel.id}`,
        );
      if (other === undefined) merged.parcels.push(parcel);
      seenParcel.set(parcel.id, json);
    }
    for (const f of p.features) if (!seenFeature.has(f.id)) seenFeature.add(f.id) && merged.features.push(f);
  }
  const badParcels = merged.rejected.filter((r) => r.layer === 'PARCELLE' || r.layer === 'parcelles');
  if (badParcels.length > 0)
    throw refuse(
      `${badParcels.length} parcelle(s) de la commune ${insee} ont un tracé impossible à reconstruire (${badParcels
        .slice(0, 3)
        .map((r) => r.id)
        .join(', ')}) : l'import est refusé en entier.`,
      `invalid parcel geometries: ${badParcels
        .slice(0, 10)
        .map((r) => `${r.id} ${r.reason}`)
        .join('; ')}`,
    );
  if (merged.parcels.length === 0)
    throw refuse(`Aucune parcelle pour la commune ${insee} : il manque la couche des parcelles.`, `no parcels for ${insee}`);
  attachToParcels(merged);
  return {
    insee,
    name: merged.communeName ?? insee,
    parcels: merged.parcels.map((p) => checked(parcelRecordSchema, p, p.id)),
    features: merged.features.map((f) => checked(featureRecordSchema, f, f.id)),
    files: [...new Set(parts.map((p) => p.file))],
    formats,
    rejected: merged.rejected,
  };
}

function checked<T>(
  schema: {
    safeParse(x: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  value: unknown,
  id: string,
): { record: T; json: string } {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw refuse(
      `L'objet ${id} du plan n'est pas conforme (${issue?.path.join('.') ?? '?'}) : l'import est refusé en entier.`,
      `schema: ${id} ${issue?.path.join('.')} ${issue?.message}`,
    );
  }
  const json = JSON.stringify(r.data);
  if (json.length > MAX_RECORD_BYTES)
    throw refuse(
      `L'objet ${id} du plan est trop grand pour être synchronisé (${Math.round(json.length / 1024)} Ko).`,
      `record too large: ${id} ${json.length}`,
    );
  return { record: r.data, json };
}
