/**
 * The replicated list and the demands: search, an elector's fiche, the
 * demands, and their creation and status changes (checked with the hub's own
 * rule, shared/electoral/rules.ts, before they are queued).
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Logger } from 'pino';
import { searchInputSchema, type ElectoralChannels } from '../../shared/electoral/ipc.js';
import { checkDemandWrite } from '../../shared/electoral/rules.js';
import { DEMAND_KIND_LABELS, DEMAND_STATUS_LABELS, demandSchema, type Demand } from '../../shared/electoral/types.js';
import { parisDay } from '../../shared/calendar.js';
import { GuichetError } from '../../shared/errors.js';
import { type CoreContext, enforce } from '../core/client-domain.js';
import type { ChannelHandlers } from '../core/handlers.js';
import type { ElectorStore } from './elector-store.js';
import type { JustificatifStore } from './justificatif-store.js';
import type { DemandStore } from './record-stores.js';

type DemandChannels = Pick<
  ElectoralChannels,
  'electoral:search' | 'electoral:elector' | 'electoral:demands' | 'electoral:create-demand' | 'electoral:set-demand-status'
>;

export function demandHandlers(
  ctx: CoreContext,
  stores: { electors: ElectorStore; demands: DemandStore; justificatifs: JustificatifStore },
  log: Logger,
): ChannelHandlers<DemandChannels> {
  const { db } = ctx;
  const { electors, demands, justificatifs } = stores;
  const now = () => ctx.platform.now();
  const userName = () => ctx.session().user?.displayName ?? 'Utilisateur inconnu';

  function electorRequired(kind: Demand['kind'], electorId: string | null): void {
    if (kind === 'inscription') return;
    if (!electorId)
      throw new GuichetError('invalid_input', "Choisissez l'électeur concerné par la demande.", `demand ${kind} without elector`);
    if (!electors.get(electorId))
      throw new GuichetError('not_found', "Cet électeur n'est plus sur la liste de ce poste.", `elector ${electorId} unknown`);
  }

  return {
    'electoral:search': (input) => {
      ctx.requirePermission('electoral.read');
      const q = searchInputSchema.parse(input);
      return electors.search(q);
    },

    'electoral:elector': ({ id }) => {
      ctx.requirePermission('electoral.read');
      const found = electors.get(id);
      if (!found)
        throw new GuichetError('not_found', "Cet électeur n'est pas (ou plus) sur la liste de ce poste.", `elector ${id} unknown`);
      return { elector: found.elector, demands: demands.ofElector(id) };
    },

    'electoral:demands': ({ status }) => {
      ctx.requirePermission('electoral.read');
      const pending = ctx.outbox.pendingIds('electoral.demands');
      return demands.list(status).map(({ demand, version }) => ({ ...demand, version, pending: pending.has(demand.id) }));
    },

    'electoral:create-demand': async ({ files = [], ...input }) => {
      ctx.requirePermission('electoral.demand');
      electorRequired(input.kind, input.electorId);
      const today = parisDay(now());
      const demand = demandSchema.parse({
        ...input,
        id: randomUUID(),
        status: 'deposee',
        createdBy: userName(),
        createdAtLocal: now().toISOString(),
        justificatifs: files.map((f) => ({
          sha256: '0'.repeat(64),
          fileName: f.fileName,
          mime: f.mime,
          size: f.content.byteLength,
          piece: f.piece,
          addedOn: today,
        })),
      } satisfies z.input<typeof demandSchema>);
      // Checked before any byte is written: a refused demand leaves nothing behind.
      enforce(checkDemandWrite({ before: null, after: demand, may: ctx.may, today }));
      const stored: { sha256: string }[] = [];
      for (const f of files) stored.push(await justificatifs.putBytes(f.content));
      demand.justificatifs = demand.justificatifs.map((j, i) => ({ ...j, sha256: stored[i]!.sha256 }));
      db.transaction(() => {
        for (const j of demand.justificatifs) justificatifs.index(j);
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
      log.info({ demandId: demand.id, kind: demand.kind, pieces: files.length }, 'demand created');
      ctx.requestSync();
      return demand;
    },

    'electoral:set-demand-status': ({ id, status }) => {
      ctx.requirePermission('electoral.demand');
      let changed = false;
      const updated = db.transaction((): Demand => {
        const found = demands.get(id);
        if (!found) throw new GuichetError('not_found', "Cette demande n'existe pas (ou plus) sur ce poste.", `demand ${id} unknown`);
        const { demand, version } = found;
        const decided = status === 'acceptee' || status === 'refusee';
        // A decision is dated: today unless given (electoral:decide takes a date and the refusal's reason).
        const next: Demand = { ...demand, status, decisionDate: decided ? (demand.decisionDate ?? parisDay(now())) : demand.decisionDate };
        // The hub's rule (accepting or refusing is `electoral.decide`'s, a closed demand stays closed), same sentences.
        enforce(checkDemandWrite({ before: demand, after: next, may: ctx.may, today: parisDay(now()) }));
        if (demand.status === status) return demand;
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
}
