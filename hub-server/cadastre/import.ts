import type { Kysely, Transaction } from 'kysely';
import type { VintageRecord } from '../../shared/cadastre/records.js';
import { diffParcels } from '../../shared/cadastre/vintage-diff.js';
import { GuichetError } from '../../shared/errors.js';
import { toCommuneInfo } from '../accounts/store.js';
import { nowIso } from '../db/dialect.js';
import type { HubDatabase } from '../db/schema.js';
import { lockCommune, readAllRecords, type RecordWrite, writeRecords } from '../sync/store.js';
import { readPlanFiles, type CommunePlan } from './read-files.js';
import { type CadastreDb, cadastreDb, coreTrx } from './tables.js';

/**
 * `guichet hub admin import-cadastre`: the département loads a vintage of
 * the PCI vecteur. Everything happens in one transaction (the canonical plan,
 * its vintage and every covering collectivité's synced records): it lands
 * whole or not at all. A new vintage is a diff: only added, changed and gone
 * objects get a new version, so the PCs pull the differences.
 */
export const PARCELS = 'cadastre.parcels';
export const FEATURES = 'cadastre.features';
export const VINTAGES = 'cadastre.vintages';

export interface CadastreImportSummary {
  insee: string;
  name: string;
  vintage: string;
  parcels: number;
  features: number;
  rejected: number;
  diff: VintageRecord['diff'];
  /** SIREN of each collectivité that received it. */
  sentTo: string[];
}

export async function importCadastre(
  db: Kysely<HubDatabase>,
  files: readonly string[],
  options: { vintage: string; progress?: (line: string) => void },
): Promise<CadastreImportSummary[]> {
  const progress = options.progress ?? (() => {});
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(options.vintage))
    throw new GuichetError('invalid_input', `Millésime invalide : ${options.vintage} (attendu AAAA-MM, ex. 2026-10).`, 'bad vintage');
  return importPlans(db, await readPlanFiles(files, progress), options);
}

/** The import once the files are read and checked (tests and the bench read a set of sheets once). */
export async function importPlans(
  db: Kysely<HubDatabase>,
  plans: readonly CommunePlan[],
  options: { vintage: string; progress?: (line: string) => void },
): Promise<CadastreImportSummary[]> {
  const progress = options.progress ?? (() => {});
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(options.vintage))
    throw new GuichetError('invalid_input', `Millésime invalide : ${options.vintage} (attendu AAAA-MM, ex. 2026-10).`, 'bad vintage');
  const covering = await coveringCollectivites(db, plans);
  const summaries = await cadastreDb(db)
    .transaction()
    .execute(async (trx) => {
      const out: CadastreImportSummary[] = [];
      for (const plan of plans) {
        const record = await storeVintage(trx, plan, options.vintage);
        const targets = covering.get(plan.insee) ?? [];
        for (const t of targets) await publishCommune(trx, t.id, plan.insee);
        out.push({
          insee: plan.insee,
          name: plan.name,
          vintage: options.vintage,
          parcels: plan.parcels.length,
          features: plan.features.length,
          rejected: plan.rejected.length,
          diff: record.diff,
          sentTo: targets.map((t) => t.siren),
        });
        progress(`${plan.name} (${plan.insee}) : ${plan.parcels.length} parcelles, envoyé à ${targets.length} collectivité(s)`);
      }
      return out;
    });
  return summaries;
}

/** Every commune of the files must be covered by a collectivité with the Cadastre service (itself or a grouping it belongs to). */
async function coveringCollectivites(db: Kysely<HubDatabase>, plans: readonly CommunePlan[]) {
  const all = await cadastreCollectivites(db);
  const map = new Map<string, { id: string; siren: string }[]>();
  for (const p of plans) {
    const targets = all.filter((c) => c.insee === p.insee || c.members.includes(p.insee)).map((c) => ({ id: c.id, siren: c.siren }));
    if (targets.length === 0)
      throw new GuichetError(
        'import_rejected',
        `Aucune collectivité inscrite avec le service Cadastre ne couvre la commune ${p.insee} (${p.name}) : inscrivez-la ou activez le service, puis recommencez. Rien n'a été importé.`,
        `commune ${p.insee} not covered`,
      );
    map.set(p.insee, targets);
  }
  return map;
}

/** Every collectivité with the Cadastre service granted (as the hub grants it), with its row id and members. */
export async function cadastreCollectivites(db: Kysely<HubDatabase> | Transaction<HubDatabase>) {
  const rows = await db.selectFrom('collectivites').selectAll().execute();
  const members = new Map<string, string[]>();
  for (const m of await db.selectFrom('collectivite_members').selectAll().execute())
    members.set(m.collectivite_id, [...(members.get(m.collectivite_id) ?? []), m.insee]);
  return rows.map((r) => ({ id: r.id, ...toCommuneInfo(r, members.get(r.id) ?? []) })).filter((c) => c.services.includes('cadastre'));
}

/** Diffs the plan against the commune's current one, stores it as the canonical copy and records the vintage. */
async function storeVintage(trx: Transaction<CadastreDb>, plan: CommunePlan, vintage: string): Promise<VintageRecord> {
  const last = await trx
    .selectFrom('cadastre_vintages')
    .select(['vintage'])
    .where('insee', '=', plan.insee)
    .orderBy('vintage', 'desc')
    .executeTakeFirst();
  if (last && last.vintage > vintage)
    throw new GuichetError(
      'import_rejected',
      `Le millésime ${vintage} est plus ancien que celui déjà chargé pour ${plan.name} (${last.vintage}) : l'import est refusé.`,
      `older vintage ${vintage} < ${last.vintage}`,
    );
  const previous = await canonical(trx, plan.insee, PARCELS);
  const changes = diffParcels(
    previous,
    plan.parcels.map((p) => p.record),
    last?.vintage ?? null,
  );
  await replaceCanonical(
    trx,
    plan.insee,
    PARCELS,
    previous,
    plan.parcels.map((p) => ({ id: p.record.id, json: p.json })),
  );
  await replaceCanonical(
    trx,
    plan.insee,
    FEATURES,
    await canonical(trx, plan.insee, FEATURES),
    plan.features.map((f) => ({ id: f.record.id, json: f.json })),
  );
  const counts: Record<string, number> = { parcelles: plan.parcels.length };
  for (const f of plan.features) counts[f.record.kind] = (counts[f.record.kind] ?? 0) + 1;
  if (plan.rejected.length > 0) counts.rejetes = plan.rejected.length;
  const record: VintageRecord = {
    id: plan.insee,
    commune: plan.name,
    vintage,
    source: `${[...plan.formats].join(' + ')} : ${plan.files.join(', ')}`.slice(0, 2000),
    importedAt: nowIso(),
    counts,
    diff: changes.diff,
  };
  const json = JSON.stringify(record);
  await trx
    .insertInto('cadastre_vintages')
    .values({ insee: plan.insee, vintage, source: record.source, imported_at: record.importedAt, record: json })
    .onConflict((oc) =>
      oc.columns(['insee', 'vintage']).doUpdateSet({ source: record.source, imported_at: record.importedAt, record: json }),
    )
    .execute();
  await replaceCanonical(trx, plan.insee, VINTAGES, await canonical(trx, plan.insee, VINTAGES), [{ id: plan.insee, json }]);
  return record;
}

async function canonical(
  db: Kysely<CadastreDb> | Transaction<CadastreDb>,
  insee: string,
  collection: string,
): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('cadastre_objects')
    .select(['id', 'data'])
    .where('insee', '=', insee)
    .where('collection', '=', collection)
    .execute();
  return new Map(rows.map((r) => [r.id, r.data]));
}

const CHUNK = 400;

async function replaceCanonical(
  trx: Transaction<CadastreDb>,
  insee: string,
  collection: string,
  previous: ReadonlyMap<string, string>,
  next: readonly { id: string; json: string }[],
): Promise<void> {
  const nextIds = new Set(next.map((n) => n.id));
  const gone = [...previous.keys()].filter((id) => !nextIds.has(id));
  for (let i = 0; i < gone.length; i += CHUNK)
    await trx
      .deleteFrom('cadastre_objects')
      .where('collection', '=', collection)
      .where('id', 'in', gone.slice(i, i + CHUNK))
      .execute();
  const writes = next.filter((n) => previous.get(n.id) !== n.json);
  for (let i = 0; i < writes.length; i += CHUNK)
    await trx
      .insertInto('cadastre_objects')
      .values(writes.slice(i, i + CHUNK).map((w) => ({ collection, id: w.id, insee, data: w.json })))
      .onConflict((oc) =>
        oc.columns(['collection', 'id']).doUpdateSet((eb) => ({ data: eb.ref('excluded.data'), insee: eb.ref('excluded.insee') })),
      )
      .execute();
}

const belongsTo = (insee: string, collection: string, id: string) =>
  collection === PARCELS ? id.startsWith(insee) && id.length === 14 : collection === FEATURES ? id.startsWith(`${insee}:`) : id === insee;

/**
 * Brings one collectivité's synced copy of a commune's plan in line with the
 * canonical one: only what differs is written (new versions), what is gone
 * becomes a tombstone. Also what sends the plan to a collectivité that opts in later.
 */
export async function publishCommune(trx: Transaction<CadastreDb>, tenantId: string, insee: string): Promise<number> {
  await lockCommune(coreTrx(trx), tenantId);
  let written = 0;
  for (const collection of [PARCELS, FEATURES, VINTAGES]) {
    const target = await canonical(trx, insee, collection);
    const current = new Map<string, string | null>();
    for (const r of await readAllRecords(coreTrx(trx), tenantId, collection))
      if (belongsTo(insee, collection, r.id)) current.set(r.id, r.deleted ? null : r.json);
    const writes: RecordWrite[] = [];
    for (const [id, json] of target) if (current.get(id) !== json) writes.push({ id, json });
    for (const [id, json] of current) if (json !== null && !target.has(id)) writes.push({ id, json: null });
    await writeRecords(coreTrx(trx), tenantId, collection, writes);
    written += writes.length;
  }
  return written;
}

/** Sends every loaded commune of its territory to a collectivité (after it opts into the Cadastre service). */
export async function publishTerritory(
  db: Kysely<HubDatabase>,
  tenant: { id: string; insee: string | null; members: string[] },
): Promise<number> {
  const communes = tenant.insee ? [tenant.insee] : tenant.members;
  return cadastreDb(db)
    .transaction()
    .execute(async (trx) => {
      let n = 0;
      for (const insee of communes) n += await publishCommune(trx, tenant.id, insee);
      return n;
    });
}
