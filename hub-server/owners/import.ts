import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import iconv from 'iconv-lite';
import type { Kysely } from 'kysely';
import { GuichetError } from '../../shared/errors.js';
import { parseMajic } from '../../shared/owners/majic-parse.js';
import type { MajicImportRecord } from '../../shared/owners/types.js';
import { collectiviteByCode } from '../accounts/admin.js';
import { grantedServices, membersOf, territoryOf } from '../accounts/store.js';
import type { HubDatabase } from '../db/schema.js';
import { lockCommune, readAllRecords, writeRecords } from '../sync/store.js';

export interface MajicImportSummary {
  collectivite: string;
  insee: string;
  comptes: number;
  owners: number;
  parcels: number;
  written: number;
  removed: number;
}

/**
 * `guichet hub admin import-majic`: the DGFiP's MAJIC files of one commune
 * (latin-1, fixed width) become the collectivité's `owners.comptes`, in one
 * transaction: a bad line refuses everything (French message with file and
 * line), nothing half-written. Only for a collectivité with the `majic`
 * service, and a commune of its territory. A later vintage replaces the
 * comptes of that commune (unchanged ones keep their version).
 */
export async function importMajic(
  db: Kysely<HubDatabase>,
  opts: { code: string; insee?: string; files: readonly string[]; millesime: number },
): Promise<MajicImportSummary> {
  const row = await collectiviteByCode(db, opts.code);
  if (!grantedServices(row).includes('majic'))
    throw new GuichetError(
      'service_not_enabled',
      `La collectivité ${row.name} n'a pas le service « Cadastre — propriétaires (MAJIC) » : activez-le (set-services) après signature de la convention.`,
      'majic not enabled',
    );
  const territory = territoryOf(row, await membersOf(db, row.id));
  const insee = opts.insee ?? row.insee;
  if (!insee || !territory.includes(insee))
    throw new GuichetError(
      'invalid_input',
      `Indiquez une commune du territoire de ${row.name} (--commune INSEE).`,
      'insee outside territory',
    );
  const raw = opts.files.map((f) => ({ name: basename(f), bytes: readFileSync(f) }));
  // MAJIC is delivered in ISO-8859-1.
  const comptes = parseMajic(
    raw.map((f) => ({ name: f.name, text: iconv.decode(f.bytes, 'latin1') })),
    { insee, millesime: opts.millesime },
  );
  const record: MajicImportRecord = {
    id: randomUUID(),
    at: new Date().toISOString(),
    millesime: opts.millesime,
    fileSha256: raw.map((f) => createHash('sha256').update(f.bytes).digest('hex')),
    comptes: comptes.length,
    owners: comptes.reduce((n, c) => n + c.owners.length, 0),
    parcels: comptes.reduce((n, c) => n + c.parcels.length, 0),
  };
  return db.transaction().execute(async (trx) => {
    await lockCommune(trx, row.id);
    const current = new Map<string, string>();
    for (const r of await readAllRecords(trx, row.id, 'owners.comptes'))
      if (!r.deleted && r.json !== null && (JSON.parse(r.json) as { insee?: string }).insee === insee) current.set(r.id, r.json);
    const upserts = comptes.map((c) => ({ id: c.id, json: JSON.stringify(c) })).filter((w) => current.get(w.id) !== w.json);
    const seen = new Set(comptes.map((c) => c.id));
    const removals = [...current.keys()].filter((id) => !seen.has(id)).map((id) => ({ id, json: null }));
    await writeRecords(trx, row.id, 'owners.comptes', upserts);
    await writeRecords(trx, row.id, 'owners.comptes', removals);
    await writeRecords(trx, row.id, 'owners.imports', [{ id: record.id, json: JSON.stringify(record) }]);
    return {
      collectivite: row.name,
      insee,
      comptes: record.comptes,
      owners: record.owners,
      parcels: record.parcels,
      written: upserts.length,
      removed: removals.length,
    };
  });
}
