/**
 * The electoral domain of the client core: REU import (preview, diff,
 * commit), search, fiche, demands, and the local collections the sync engine
 * fills. Handlers receive inputs already validated by the core.
 */
import { createHash, randomUUID } from 'node:crypto';
import { ELECTORAL_IMPORT_COMMAND, type ElectoralImportPayload } from '../../shared/electoral/schemas.js';
import { searchInputSchema, type ElectoralChannels, type ImportDiffEntry, type ImportPreview } from '../../shared/electoral/ipc.js';
import { DEMAND_KIND_LABELS, DEMAND_STATUS_LABELS, demandSchema, type Demand, type DemandStatus, type ImportRecord } from '../../shared/electoral/types.js';
import { GuichetError } from '../../shared/errors.js';
import type { CoreContext, LocalCollection } from '../core/context.js';
import type { ChannelHandlers } from '../core/handlers.js';
import { createElectoralCollections } from './collections.js';
import { createElectorStore, prepareList, type PreparedList } from './elector-store.js';
import { computeImportDiff } from './import-diff.js';
import { createDemandStore, createImportStore } from './record-stores.js';
import { parseReuExtractAsync, type ParsedExtract } from './reu-parser.js';

/** A preview holds the parsed file in memory until it is committed or cancelled. */
export const PREVIEW_TTL_MS = 30 * 60 * 1000;
const DIFF_SAMPLE = 50;

interface PendingImport {
  parsed: ParsedExtract;
  /** Sort keys, search text and display order, computed at preview time so the commit transaction only writes. */
  prepared: PreparedList;
  sha256: string;
  diff: ImportRecord['diff'];
  entries: ImportDiffEntry[];
  /** Elector-store generation the diff was computed against. */
  generation: number;
  createdAt: number;
}

/** Where the last import spent its time (ms, wall), for the bench and the log; no personal data. */
export interface ImportTimings {
  /** Decode + CSV parse + row checks + ids (reu-parser.ts). */
  parseMs?: number;
  /** Sort keys, search text, display order (elector-store.ts prepareList). */
  prepareMs?: number;
  /** Read the local list + compare. */
  diffMs?: number;
  /** Commit: electors table + FTS5 index + secondary indexes. */
  writeMs?: number;
  /** Commit: import record + outbox command (the full list as JSON). */
  outboxMs?: number;
  /** Commit: the whole transaction, COMMIT included. */
  commitMs?: number;
}

export interface ElectoralModule {
  handlers: ChannelHandlers<ElectoralChannels>;
  collections: LocalCollection[];
  /** Timings of the last import preview and commit. */
  lastImportTimings(): ImportTimings;
}

const CLOSED: readonly DemandStatus[] = ['acceptee', 'refusee', 'abandonnee'];
const MAYOR_ONLY: readonly DemandStatus[] = ['acceptee', 'refusee'];

export function createElectoralModule(ctx: CoreContext): ElectoralModule {
  const { db } = ctx;
  const log = ctx.log.child({ mod: 'electoral' });
  const electors = createElectorStore(db);
  const demands = createDemandStore(db);
  const imports = createImportStore(db);
  const previews = new Map<string, PendingImport>();
  let timings: ImportTimings = {};

  const now = () => ctx.platform.now();
  const userName = () => ctx.session().user?.displayName ?? 'Utilisateur inconnu';

  function purgeExpired(): void {
    const t = now().getTime();
    for (const [id, p] of previews) if (t - p.createdAt > PREVIEW_TTL_MS) previews.delete(id);
  }

  function preview(previewId: string): PendingImport {
    purgeExpired();
    const p = previews.get(previewId);
    if (!p) throw new GuichetError('not_found', "L'aperçu de cet import a expiré ou a été annulé : choisissez à nouveau le fichier.", `preview ${previewId} unknown`);
    return p;
  }

  function diffAgainstLocal(parsed: ParsedExtract) {
    const current = electors.comparable();
    ctx.emit('electoral:import-progress', { phase: 'comparaison', done: 0, total: parsed.electors.length });
    const result = computeImportDiff(current, parsed.electors);
    ctx.emit('electoral:import-progress', { phase: 'comparaison', done: parsed.electors.length, total: parsed.electors.length });
    return result;
  }

  function electorRequired(kind: Demand['kind'], electorId: string | null): void {
    if (kind === 'inscription') return;
    if (!electorId) throw new GuichetError('invalid_input', "Choisissez l'électeur concerné par la demande.", `demand ${kind} without elector`);
    if (!electors.get(electorId)) throw new GuichetError('not_found', "Cet électeur n'est plus sur la liste de ce poste.", `elector ${electorId} unknown`);
  }

  const handlers: ChannelHandlers<ElectoralChannels> = {
    'electoral:import-preview': async ({ fileName, content }) => {
      ctx.requirePermission('electoral.import');
      purgeExpired();
      const started = Date.now();
      timings = {};
      let parsed: ParsedExtract;
      try {
        parsed = await parseReuExtractAsync(fileName, content, (phase, done, total) => ctx.emit('electoral:import-progress', { phase, done, total }));
      } catch (err) {
        if (err instanceof GuichetError) log.warn({ code: err.code, detail: err.detail, bytes: content.byteLength }, 'REU extract refused');
        throw err;
      }
      const commune = ctx.session().commune;
      if (parsed.communeCode && commune && parsed.communeCode !== commune.insee) {
        log.warn({ code: 'import_rejected', detail: `extract commune ${parsed.communeCode} != session ${commune.insee}` }, 'REU extract refused');
        throw new GuichetError(
          'import_rejected',
          `Cet extrait est celui de la commune ${parsed.communeCode}, pas de ${commune.name} (${commune.insee}) : vérifiez le fichier téléchargé depuis le REU.`,
          `extract commune ${parsed.communeCode} != session ${commune.insee}`,
        );
      }
      timings.parseMs = Date.now() - started;
      const sha256 = createHash('sha256').update(content).digest('hex');
      let t = performance.now();
      const prepared = prepareList(parsed.electors, true);
      timings.prepareMs = performance.now() - t;
      t = performance.now();
      const { diff, entries } = diffAgainstLocal(parsed);
      timings.diffMs = performance.now() - t;
      const previewId = randomUUID();
      previews.set(previewId, { parsed, prepared, sha256, diff, entries, generation: electors.generation(), createdAt: now().getTime() });
      log.info({ previewId, rows: parsed.electors.length, encoding: parsed.encoding, ms: Date.now() - started, ...diff }, 'REU extract parsed');
      const result: ImportPreview = {
        previewId,
        fileName,
        fileSha256: sha256,
        extractDate: parsed.extractDate,
        encoding: parsed.encoding,
        counts: parsed.counts,
        total: parsed.electors.length,
        diff,
        diffSample: entries.slice(0, DIFF_SAMPLE),
        warnings: parsed.warnings,
        alreadyImported: imports.hasHash(sha256),
      };
      return result;
    },

    'electoral:import-diff': ({ previewId, offset, limit }) => {
      ctx.requirePermission('electoral.import');
      const p = preview(previewId);
      return { total: p.entries.length, items: p.entries.slice(offset, offset + limit) };
    },

    'electoral:import-cancel': ({ previewId }) => {
      ctx.requirePermission('electoral.import');
      previews.delete(previewId);
      return null;
    },

    'electoral:import-commit': ({ previewId }) => {
      ctx.requirePermission('electoral.import');
      const p = preview(previewId);
      const { parsed } = p;
      const total = parsed.electors.length;
      ctx.emit('electoral:import-progress', { phase: 'enregistrement', done: 0, total });
      const started = performance.now();
      const record = db.transaction((): ImportRecord => {
        // A sync may have changed the list since the preview: count the diff against what is replaced.
        const diff = electors.generation() === p.generation ? p.diff : computeImportDiff(electors.comparable(), parsed.electors).diff;
        let t = performance.now();
        const versions = electors.versions();
        electors.replaceAll(p.prepared, (id) => versions.get(id) ?? null);
        timings.writeMs = performance.now() - t;
        t = performance.now();
        const rec: ImportRecord = {
          id: randomUUID(),
          fileName: parsed.fileName,
          fileSha256: p.sha256,
          extractDate: parsed.extractDate,
          importedAtLocal: now().toISOString(),
          importedBy: userName(),
          counts: parsed.counts,
          diff,
        };
        imports.put(rec, null);
        ctx.outbox.enqueue({
          kind: 'command',
          name: ELECTORAL_IMPORT_COMMAND,
          payload: { import: rec, electors: parsed.electors } satisfies ElectoralImportPayload,
          summary: `Import de la liste électorale (${total} électeur${total > 1 ? 's' : ''})`,
        });
        timings.outboxMs = performance.now() - t;
        return rec;
      })();
      timings.commitMs = performance.now() - started;
      previews.delete(previewId);
      ctx.emit('electoral:import-progress', { phase: 'enregistrement', done: total, total });
      log.info({ importId: record.id, rows: total, ...record.diff }, 'REU extract imported');
      ctx.requestSync();
      return record;
    },

    'electoral:imports': () => {
      ctx.requirePermission('electoral.read');
      return imports.list();
    },

    'electoral:search': (input) => {
      ctx.requirePermission('electoral.read');
      const q = searchInputSchema.parse(input);
      return electors.search(q);
    },

    'electoral:elector': ({ id }) => {
      ctx.requirePermission('electoral.read');
      const found = electors.get(id);
      if (!found) throw new GuichetError('not_found', "Cet électeur n'est pas (ou plus) sur la liste de ce poste.", `elector ${id} unknown`);
      return { elector: found.elector, demands: demands.ofElector(id) };
    },

    'electoral:demands': ({ status }) => {
      ctx.requirePermission('electoral.read');
      const pending = ctx.outbox.pendingIds('electoral.demands');
      return demands.list(status).map(({ demand, version }) => ({ ...demand, version, pending: pending.has(demand.id) }));
    },

    'electoral:create-demand': (input) => {
      ctx.requirePermission('electoral.demand');
      electorRequired(input.kind, input.electorId);
      const demand = demandSchema.parse({
        ...input,
        id: randomUUID(),
        status: 'deposee',
        createdBy: userName(),
        createdAtLocal: now().toISOString(),
      } satisfies Demand);
      db.transaction(() => {
        demands.put(demand, null);
        ctx.outbox.enqueue({
          kind: 'upsert',
          collection: 'electoral.demands',
          recordId: demand.id,
          baseVersion: null,
          data: demand,
          summary: `Demande : ${DEMAND_KIND_LABELS[demand.kind].toLowerCase()} (création)`,
        });
      })();
      log.info({ demandId: demand.id, kind: demand.kind }, 'demand created');
      ctx.requestSync();
      return demand;
    },

    'electoral:set-demand-status': ({ id, status }) => {
      ctx.requirePermission('electoral.demand');
      const role = ctx.session().user?.role;
      if (MAYOR_ONLY.includes(status) && role !== 'maire') {
        throw new GuichetError('forbidden', 'Seul le maire peut accepter ou refuser une demande.', `role ${role ?? 'none'} tried ${status}`);
      }
      let changed = false;
      const updated = db.transaction((): Demand => {
        const found = demands.get(id);
        if (!found) throw new GuichetError('not_found', "Cette demande n'existe pas (ou plus) sur ce poste.", `demand ${id} unknown`);
        const { demand, version } = found;
        if (demand.status === status) return demand;
        if (CLOSED.includes(demand.status)) {
          throw new GuichetError('conflict', `Cette demande est close (${DEMAND_STATUS_LABELS[demand.status]}) : son statut ne peut plus changer.`, `demand ${id} closed`);
        }
        if (status === 'deposee') throw new GuichetError('invalid_input', 'Une demande ne peut pas revenir au statut « Déposée ».', `demand ${id} back to deposee`);
        const next: Demand = { ...demand, status };
        demands.put(next, version);
        changed = true;
        ctx.outbox.enqueue({
          kind: 'upsert',
          collection: 'electoral.demands',
          recordId: id,
          baseVersion: version,
          data: next,
          summary: `Demande : ${DEMAND_KIND_LABELS[demand.kind].toLowerCase()} (passage à « ${DEMAND_STATUS_LABELS[status]} »)`,
        });
        return next;
      })();
      if (changed) ctx.requestSync();
      return updated;
    },
  };

  return { handlers, collections: createElectoralCollections({ electors, demands, imports }, log), lastImportTimings: () => ({ ...timings }) };
}
