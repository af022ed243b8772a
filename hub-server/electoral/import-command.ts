import { checkMassRemoval, removalShareOf } from '../../shared/electoral/mass-removal.js';
import type { ElectoralImportPayload } from '../../shared/electoral/schemas.js';
import { GuichetError } from '../../shared/errors.js';
import type { CommandContext, CommandHandler, CommandOutcome, PreparedCommand, PrepareContext } from '../sync/commands.js';
import type { RecordWrite, StoredRecord } from '../sync/store.js';

const ELECTORS = 'electoral.electors';
const IMPORTS = 'electoral.imports';

/**
 * `electoral.import`: the REU extract becomes the commune's full list, landing
 * whole in the push's transaction. Only what changed gets a new version, so a
 * re-import of the same extract writes nothing but the import record, and
 * clients pull just the differences. The same file (SHA-256) applied again with
 * the list unchanged is a no-op: no second, empty import record.
 *
 * The diff is worked out by `planImport`; `prepare` does it before the
 * transaction, giving the event loop a turn every few milliseconds, so a 35 000-elector list does not hold the
 * other communes' requests (the push lands its writes in one statement).
 */
async function applyElectoralImport(ctx: CommandContext, payload: ElectoralImportPayload): Promise<CommandOutcome> {
  const plan = await planImport(await ctx.readAll(ELECTORS), await ctx.readAll(IMPORTS), payload);
  for (const w of plan.writes) await ctx.writeRecords(w.collection, w.writes);
  return plan.finish(ctx);
}

async function prepareElectoralImport(ctx: PrepareContext, payload: ElectoralImportPayload): Promise<PreparedCommand> {
  return planImport(await ctx.readAll(ELECTORS), await ctx.readAll(IMPORTS), payload, ctx.pause);
}

export const electoralImportHandler: CommandHandler<ElectoralImportPayload> = Object.assign(applyElectoralImport, {
  prepare: prepareElectoralImport,
});

/** The import against the list the hub holds: the writes (upserts, then removals) and the import record. */
async function planImport(
  electorRecords: readonly StoredRecord[],
  importRecords: readonly StoredRecord[],
  payload: ElectoralImportPayload,
  pause?: () => Promise<void> | null,
): Promise<PreparedCommand> {
  const { electors } = payload;
  if (electors.length === 0) {
    throw new GuichetError(
      'import_rejected',
      "Le fichier ne contient aucun électeur : l'import est refusé pour ne pas vider la liste.",
      'empty extract',
    );
  }

  const current = new Map<string, string | null>();
  for (const r of electorRecords) current.set(r.id, r.deleted ? null : r.json);

  const seen = new Set<string>();
  const upserts: RecordWrite[] = [];
  let unchanged = 0;
  for (let i = 0; i < electors.length; i++) {
    const turn = pause?.();
    if (turn) await turn;
    const e = electors[i];
    if (seen.has(e.id))
      throw new GuichetError(
        'import_rejected',
        'Le fichier contient deux fois le même électeur : vérifiez l’extraction du REU.',
        `duplicate elector id at index ${i}`,
      );
    seen.add(e.id);
    // Parsed by the schema, so keys are in a fixed order: equal JSON text means an unchanged elector.
    const json = JSON.stringify(e);
    if (current.get(e.id) === json) unchanged++;
    else upserts.push({ id: e.id, json });
  }
  const removals: RecordWrite[] = [];
  let currentTotal = 0;
  for (const [id, json] of current) {
    if (json === null) continue;
    currentTotal++;
    if (!seen.has(id)) removals.push({ id, json: null });
  }
  // The PC asked for the confirmation already; the hub judges again, on the list it holds now (the shared rule).
  const refusal = checkMassRemoval(removalShareOf(removals.length, currentTotal), payload.confirmMassRemoval === true);
  if (refusal) throw new GuichetError(refusal.code, refusal.message, refusal.detail);

  const summary = { electors: electors.length, written: upserts.length, unchanged, removed: removals.length };
  const reads = [ELECTORS, IMPORTS];
  if (upserts.length === 0 && removals.length === 0 && alreadyImported(importRecords, payload.import.fileSha256)) {
    // The same file, already applied (a second PC, or a re-run): nothing to record, no second empty import.
    // The PC that queued it holds a local copy of its import record: the tombstone tells it to drop it.
    return {
      reads,
      writes: [],
      async finish(ctx) {
        const version = await ctx.writeRecord(IMPORTS, payload.import.id, null);
        return { versions: [{ collection: IMPORTS, id: payload.import.id, version }], summary: { ...summary, sameFile: 1 } };
      },
    };
  }
  return {
    reads,
    writes: [
      { collection: ELECTORS, writes: upserts },
      { collection: ELECTORS, writes: removals },
    ],
    async finish(ctx) {
      const version = await ctx.writeRecord(IMPORTS, payload.import.id, payload.import);
      return { versions: [{ collection: IMPORTS, id: payload.import.id, version }], summary };
    },
  };
}

/** Whether an import record of the commune already carries this file's SHA-256. */
function alreadyImported(records: readonly StoredRecord[], fileSha256: string): boolean {
  for (const r of records) {
    if (r.deleted || r.json === null) continue;
    if ((JSON.parse(r.json) as { fileSha256?: unknown }).fileSha256 === fileSha256) return true;
  }
  return false;
}
