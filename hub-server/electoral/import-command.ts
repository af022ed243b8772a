import { checkMassRemoval, removalShareOf } from '../../shared/electoral/mass-removal.js';
import type { ElectoralImportPayload } from '../../shared/electoral/schemas.js';
import { GuichetError } from '../../shared/errors.js';
import type { CommandContext, CommandOutcome } from '../sync/commands.js';
import type { RecordWrite } from '../sync/store.js';

/**
 * `electoral.import`: the REU extract becomes the commune's full list, in the
 * push's single transaction. Only what changed gets a new version, so a
 * re-import of the same extract writes nothing but the import record, and
 * clients pull just the differences. The same file (SHA-256) applied again with
 * the list unchanged is a no-op: no second, empty import record.
 */
export async function applyElectoralImport(ctx: CommandContext, payload: ElectoralImportPayload): Promise<CommandOutcome> {
  const { electors } = payload;
  if (electors.length === 0) {
    throw new GuichetError(
      'import_rejected',
      "Le fichier ne contient aucun électeur : l'import est refusé pour ne pas vider la liste.",
      'empty extract',
    );
  }

  const current = new Map<string, string | null>();
  for (const r of await ctx.readAll('electoral.electors')) current.set(r.id, r.deleted ? null : r.json);

  const seen = new Set<string>();
  const upserts: RecordWrite[] = [];
  let unchanged = 0;
  for (let i = 0; i < electors.length; i++) {
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
  if (upserts.length === 0 && removals.length === 0 && (await alreadyImported(ctx, payload.import.fileSha256))) {
    // The same file, already applied (a second PC, or a re-run): nothing to record, no second empty import.
    // The PC that queued it holds a local copy of its import record: the tombstone tells it to drop it.
    const version = await ctx.writeRecord('electoral.imports', payload.import.id, null);
    return { versions: [{ collection: 'electoral.imports', id: payload.import.id, version }], summary: { ...summary, sameFile: 1 } };
  }

  await ctx.writeRecords('electoral.electors', upserts);
  await ctx.writeRecords('electoral.electors', removals);
  const version = await ctx.writeRecord('electoral.imports', payload.import.id, payload.import);
  return {
    versions: [{ collection: 'electoral.imports', id: payload.import.id, version }],
    summary,
  };
}

/** Whether an import record of the commune already carries this file's SHA-256. */
async function alreadyImported(ctx: CommandContext, fileSha256: string): Promise<boolean> {
  for (const r of await ctx.readAll('electoral.imports')) {
    if (r.deleted || r.json === null) continue;
    if ((JSON.parse(r.json) as { fileSha256?: unknown }).fileSha256 === fileSha256) return true;
  }
  return false;
}
