/**
 * SQL of the acts replica: the `acts.acts` records, the hub's `acts.status`
 * and `acts.classification`. Every write keeps the record's hub version
 * (null until the hub acknowledged a local creation). Deletes, counts and
 * clears from the hub go through electron/core/json-collection.ts.
 */
import type Database from 'better-sqlite3';
import type { Classification } from '../../shared/acts/classification.js';
import type { ActRecord, ActStatusRecord } from '../../shared/acts/records.js';

export const CLASSIFICATION_ID = 'current';

export function createActStore(db: Database.Database) {
  const selectAct = db.prepare<[string], { data: string; version: number | null }>('SELECT data, version FROM acts WHERE id = ?');
  const selectAll = db.prepare<[], { data: string }>('SELECT data FROM acts ORDER BY created_at_local DESC, id');
  const byNumero = db.prepare<[string], { id: string }>('SELECT id FROM acts WHERE numero_interne = ?');
  const releaseNumero = db.prepare('UPDATE acts SET numero_interne = NULL WHERE numero_interne = ? AND id <> ?');
  const upsertAct = db.prepare(
    `INSERT INTO acts (id, version, numero_interne, created_at_local, data) VALUES (@id, @version, @numero, @created, @data)
     ON CONFLICT (id) DO UPDATE SET version = excluded.version, numero_interne = excluded.numero_interne, data = excluded.data`,
  );
  const selectStatus = db.prepare<[string], { data: string }>('SELECT data FROM acts_status WHERE act_id = ?');
  const selectStatuses = db.prepare<[], { data: string }>('SELECT data FROM acts_status');
  const upsertStatus = db.prepare(
    `INSERT INTO acts_status (act_id, version, state, data) VALUES (?, ?, ?, ?)
     ON CONFLICT (act_id) DO UPDATE SET version = excluded.version, state = excluded.state, data = excluded.data`,
  );
  const selectClassification = db.prepare<[string], { data: string }>('SELECT data FROM acts_classification WHERE id = ?');
  const upsertClassification = db.prepare(
    'INSERT INTO acts_classification (id, version, data) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version, data = excluded.data',
  );

  return {
    get(id: string): { act: ActRecord; version: number | null } | null {
      const row = selectAct.get(id);
      return row ? { act: JSON.parse(row.data) as ActRecord, version: row.version } : null;
    },
    all(): ActRecord[] {
      return selectAll.all().map((r) => JSON.parse(r.data) as ActRecord);
    },
    /** Id of the act holding this NumeroInterne on this PC, if any. */
    idOfNumero(numero: string): string | null {
      return byNumero.get(numero)?.id ?? null;
    },
    /**
     * `fromHub`: the hub accepted this record, so it wins the NumeroInterne over a local
     * draft that took the same number offline (that draft's push will be refused with
     * the hub's reason; meanwhile both stay visible).
     */
    put(act: ActRecord, version: number | null, fromHub = false): void {
      if (fromHub) releaseNumero.run(act.draft.numeroInterne, act.id);
      upsertAct.run({ id: act.id, version, numero: act.draft.numeroInterne, created: act.createdAtLocal, data: JSON.stringify(act) });
    },

    status(actId: string): ActStatusRecord | null {
      const row = selectStatus.get(actId);
      return row ? (JSON.parse(row.data) as ActStatusRecord) : null;
    },
    statuses(): Map<string, ActStatusRecord> {
      return new Map(
        selectStatuses.all().map((r) => {
          const s = JSON.parse(r.data) as ActStatusRecord;
          return [s.actId, s];
        }),
      );
    },
    putStatus(status: ActStatusRecord, version: number): void {
      upsertStatus.run(status.actId, version, status.state, JSON.stringify(status));
    },

    classification(): Classification | null {
      const row = selectClassification.get(CLASSIFICATION_ID);
      return row ? (JSON.parse(row.data) as Classification) : null;
    },
    putClassification(id: string, classification: Classification, version: number): void {
      upsertClassification.run(id, version, JSON.stringify(classification));
    },
  };
}

export type ActStore = ReturnType<typeof createActStore>;
