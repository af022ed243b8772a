import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import type { Classification } from '../../shared/acts/classification.js';
import type { HubDatabase } from '../db/schema.js';
import { lockCommune, readRecord, writeRecords } from '../sync/store.js';
import { parseActesReturn } from './actes-format/parse-return.js';
import { actesXsdDir } from './actes-format/xsd-validate.js';
import { communesWithActes } from './commune-identity.js';
import { enqueueTransmission } from './queue.js';

/**
 * The prefecture's classification. The hub holds one for the département
 * (hub_meta, key below) and copies it to every commune with the ACTES
 * service as its `acts.classification` record `current`, which clients pull.
 * Until the prefecture answered a 7-1, the real example 7-2 message seeds it
 * so communes can draft right away.
 */
const META_KEY = 'acts.classification';
export const CLASSIFICATION_RECORD_ID = 'current';

let seed: Classification | undefined;

export function defaultClassification(): Classification {
  if (!seed) {
    const message = parseActesReturn(readFileSync(path.join(actesXsdDir(), 'examples', '999-1234----7-2_1.xml')));
    if (message.type !== 'RetourClassification') throw new Error('example 7-2 is not a RetourClassification');
    seed = message.classification;
  }
  return seed;
}

type Db = Kysely<HubDatabase> | Transaction<HubDatabase>;

export async function currentClassification(db: Db): Promise<Classification> {
  const row = await db.selectFrom('hub_meta').select('value').where('key', '=', META_KEY).executeTakeFirst();
  return row ? (JSON.parse(row.value) as Classification) : defaultClassification();
}

/** Replace the département's classification (a 7-2 arrived) and copy it to every commune. */
export async function setClassification(db: Kysely<HubDatabase>, classification: Classification): Promise<number> {
  const value = JSON.stringify(classification);
  await db
    .insertInto('hub_meta')
    .values({ key: META_KEY, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
  return publishClassification(db);
}

/** Write the current classification to each commune whose record differs; answers how many were written. Two reads when nothing changed, so it can run often. */
export async function publishClassification(db: Kysely<HubDatabase>): Promise<number> {
  const classification = await currentClassification(db);
  const json = JSON.stringify(classification);
  const held = await db
    .selectFrom('sync_records')
    .select(['commune_id', 'data', 'deleted'])
    .where('collection', '=', 'acts.classification')
    .where('id', '=', CLASSIFICATION_RECORD_ID)
    .execute();
  const upToDate = new Set(held.filter((r) => Number(r.deleted) === 0 && r.data === json).map((r) => r.commune_id));
  let written = 0;
  for (const commune of await communesWithActes(db)) {
    if (upToDate.has(commune.id)) continue;
    await db.transaction().execute(async (trx) => {
      await lockCommune(trx, commune.id);
      const again = await readRecord(trx, commune.id, 'acts.classification', CLASSIFICATION_RECORD_ID);
      if (again && !again.deleted && again.json === json) return;
      await writeRecords(trx, commune.id, 'acts.classification', [{ id: CLASSIFICATION_RECORD_ID, json }]);
      written++;
    });
  }
  return written;
}

/**
 * Queue a 7-1 (DemandeClassification) on behalf of the first commune with
 * the service, stating the version the hub holds; the forwarder sends it
 * (a running hub picks it up, so the admin CLI can ask too) and the 7-2/7-3
 * answer is applied by returns.ts. Answers the transmission id, or null when
 * no commune has the service yet.
 */
export async function requestClassification(db: Kysely<HubDatabase>): Promise<string | null> {
  const [first] = await communesWithActes(db);
  if (!first) return null;
  const held = await currentClassification(db);
  return enqueueTransmission(db, {
    communeId: first.id,
    actId: null,
    payload: { kind: 'classification', dateClassification: held.dateClassification },
  });
}
