/**
 * The replicated list and the demands: search, an elector's fiche, the
 * demands, and their creation and status changes (checked with the hub's own
 * rule, shared/electoral/rules.ts, before they are queued).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { searchInputSchema, type ElectoralChannels } from '../../shared/electoral/ipc.js';
import { checkDemandWrite } from '../../shared/electoral/rules.js';
import { DEMAND_KIND_LABELS, DEMAND_STATUS_LABELS, demandSchema, type Demand } from '../../shared/electoral/types.js';
import { GuichetError } from '../../shared/errors.js';
import { type CoreContext, enforce } from '../core/client-domain.js';
import type { ChannelHandlers } from '../core/handlers.js';
import type { ElectorStore } from './elector-store.js';
import type { DemandStore } from './record-stores.js';

type DemandChannels = Pick<
  ElectoralChannels,
  'electoral:search' | 'electoral:elector' | 'electoral:demands' | 'electoral:create-demand' | 'electoral:set-demand-status'
>;

export function demandHandlers(
  ctx: CoreContext,
  stores: { electors: ElectorStore; demands: DemandStore },
  log: Logger,
): ChannelHandlers<DemandChannels> {
  const { db } = ctx;
  const { electors, demands } = stores;
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
      enforce(checkDemandWrite({ before: null, after: demand, may: ctx.may }));
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
      let changed = false;
      const updated = db.transaction((): Demand => {
        const found = demands.get(id);
        if (!found) throw new GuichetError('not_found', "Cette demande n'existe pas (ou plus) sur ce poste.", `demand ${id} unknown`);
        const { demand, version } = found;
        const next: Demand = { ...demand, status };
        // The hub's rule (accepting or refusing is `electoral.decide`'s, a closed demand stays closed), same sentences.
        enforce(checkDemandWrite({ before: demand, after: next, may: ctx.may }));
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
