/**
 * The owners (MAJIC) on the PC (`owners:*` channels): the comptes the hub
 * sends to users the mayor named, kept encrypted at rest (store.ts), searched
 * in memory (owner-index.ts), printed as relevés (pdf.ts). Every consultation
 * is logged with the `owners.consult` command (outbox: works offline); a
 * relevé for a third party is recorded on the hub first (online only), which
 * counts 5 a week and 10 a month per requester.
 */
import { randomUUID } from 'node:crypto';
import { formatHaACa, formatParcelRef, makeParcelId, parseParcelId, parseSectionNumero } from '../../shared/cadastre/parcel-id.js';
import { foldName } from '../../shared/electoral/normalize.js';
import { GuichetError } from '../../shared/errors.js';
import { communicationRefusal, MONTH_LIMIT, usageOf, WEEK_LIMIT } from '../../shared/owners/communication-limit.js';
import { type ConsultPayload, OWNERS_CONSULT_COMMAND } from '../../shared/owners/domain.js';
import type { CompteView, OwnersChannels, OwnersGrantee, OwnersState } from '../../shared/owners/ipc.js';
import { ownerAddress } from '../../shared/owners/address.js';
import { dismembermentLabel, rightLabel } from '../../shared/owners/labels.js';
import {
  type Compte,
  communicationSchema,
  compteSchema,
  journalEntrySchema,
  type MajicImportRecord,
  majicImportRecordSchema,
} from '../../shared/owners/types.js';
import type { UserInfo } from '../../shared/accounts/types.js';
import type { ClientDomainParts, CoreContext } from '../core/client-domain.js';
import type { ChannelHandlers } from '../core/handlers.js';
import { buildOwnerIndex, type OwnerIndex } from './owner-index.js';
import { relevePdf } from './pdf.js';
import { createOwnersStore, KEY_LOST_NOTICE } from './store.js';

export const OWNERS_READ = 'owners.read';
const DEFAULT_PURPOSE = 'Consultation en mairie';
const FOR_THE_COMMUNE = 'la commune';
export const TIERS_OFFLINE_MESSAGE = 'La communication à un tiers doit être enregistrée par le hub : reconnectez-vous.';
const GRANTS_OFFLINE_MESSAGE = 'Les autorisations se donnent et se retirent auprès du hub : reconnectez-vous.';
const NOT_FOUND = 'Ce compte communal n’est pas sur ce poste (il a peut-être été supprimé par le dernier millésime).';

export function compteView(c: Compte): CompteView {
  const builtParcels = new Set(c.locals.map((l) => l.parcelId));
  const totalArea = c.parcels.reduce((n, p) => n + p.area, 0);
  return {
    id: c.id,
    insee: c.insee,
    dnupro: c.dnupro,
    millesime: c.millesime,
    owners: c.owners.map((o) => ({
      ...o,
      rightLabel: rightLabel(o.right),
      dismembermentLabel: dismembermentLabel(o.dismemberment),
      postalAddress: ownerAddress(o.address),
    })),
    parcels: c.parcels.map((p) => ({ ...p, ref: formatParcelRef(p.id), contenance: formatHaACa(p.area), built: builtParcels.has(p.id) })),
    locals: c.locals,
    lots: c.lots,
    totalArea,
    totalContenance: formatHaACa(totalArea),
  };
}

function grantee(u: UserInfo): OwnersGrantee {
  return {
    id: u.id,
    displayName: u.displayName,
    username: u.username,
    role: u.role,
    disabled: u.disabled,
    granted: (u.grants ?? []).includes(OWNERS_READ),
  };
}

export function createOwnersModule(ctx: CoreContext): ClientDomainParts & { handlers: ChannelHandlers<OwnersChannels> } {
  const log = ctx.log.child({ mod: 'owners' });
  const store = createOwnersStore(ctx.db, ctx.platform.secrets, log);
  let cached: { generation: number; index: OwnerIndex } | null = null;
  let notice: string | null = null;

  async function unlock(): Promise<void> {
    const { wiped } = await store.unlock();
    if (wiped) {
      notice = KEY_LOST_NOTICE;
      cached = null;
    }
  }

  /** The key and the decrypted index leave memory (the encrypted copy, if any, stays). */
  function lock(): void {
    store.lock();
    cached = null;
    notice = null;
  }

  /** The search index, (re)built after unlock or when the sync changed the comptes. */
  async function index(): Promise<OwnerIndex> {
    ctx.requirePermission(OWNERS_READ);
    await unlock();
    if (!cached || cached.generation !== store.generation()) {
      const started = performance.now();
      const generation = store.generation();
      const idx = buildOwnerIndex(store.readAll('owners.comptes', compteSchema));
      cached = { generation, index: idx };
      log.info({ comptes: idx.size(), ms: Math.round(performance.now() - started) }, 'owners index built');
    }
    return cached.index;
  }

  function logConsultation(c: Compte, kind: ConsultPayload['kind'], purpose: string | undefined): void {
    const payload: ConsultPayload = {
      id: randomUUID(),
      kind,
      compteId: c.id,
      parcels: c.parcels.slice(0, 500).map((p) => p.id),
      forWhom: FOR_THE_COMMUNE,
      purpose: purpose ?? DEFAULT_PURPOSE,
    };
    const summary = kind === 'consultation' ? `Consultation du compte ${c.dnupro}` : `Relevé de propriété du compte ${c.dnupro}`;
    ctx.db.transaction(() => ctx.outbox.enqueue({ kind: 'command', name: OWNERS_CONSULT_COMMAND, payload, summary }))();
    ctx.requestSync();
  }

  async function compteOf(id: string): Promise<Compte> {
    const c = (await index()).compte(id);
    if (!c) throw new GuichetError('not_found', NOT_FOUND, 'unknown compte');
    return c;
  }

  /** `ZB 12` typed in a commune's session names the commune's parcel, even when no compte holds it. */
  function ownCommuneParcel(input: string): string | null {
    const sn = parseSectionNumero(input);
    const commune = ctx.session().commune;
    if (!sn || commune?.kind !== 'commune' || !commune.insee) return null;
    try {
      return makeParcelId({ insee: commune.insee, ...sn });
    } catch {
      return null;
    }
  }

  function adminHub() {
    ctx.requirePermission('users.manage');
    const hub = ctx.hub();
    if (!hub) throw new GuichetError('offline', GRANTS_OFFLINE_MESSAGE, 'owners grants without a hub');
    return hub;
  }

  const handlers: ChannelHandlers<OwnersChannels> = {
    'owners:state': async () => {
      const mayRead = ctx.may(OWNERS_READ);
      let latest: MajicImportRecord | null = null;
      if (mayRead) {
        try {
          await unlock();
          latest = store.readAll('owners.imports', majicImportRecordSchema).sort((a, b) => b.at.localeCompare(a.at))[0] ?? null;
        } catch (err) {
          log.warn({ err: err instanceof Error ? err.message : 'unknown' }, 'owners store could not be unlocked');
        }
      }
      const state: OwnersState = {
        mayRead,
        mayReadLog: ctx.may('owners.log'),
        mayGrant: ctx.may('users.manage'),
        comptes: mayRead ? store.count('owners.comptes') : 0,
        millesime: latest?.millesime ?? null,
        importedAt: latest?.at ?? null,
        notice,
      };
      return state;
    },
    'owners:search': async ({ q, limit }) => (await index()).search(q, limit ?? 50),
    'owners:compte': async ({ id, purpose }) => {
      const c = await compteOf(id);
      logConsultation(c, 'consultation', purpose);
      return compteView(c);
    },
    'owners:by-parcel': async ({ parcel }) => {
      const idx = await index();
      const id = idx.resolveParcel(parcel) ?? parseParcelId(parcel)?.id ?? ownCommuneParcel(parcel);
      if (!id)
        throw new GuichetError(
          'invalid_input',
          'Référence de parcelle non reconnue : tapez la section et le numéro (ZB 12) ou l’identifiant à 14 caractères.',
          'unreadable parcel reference',
        );
      return {
        parcel: { id, ref: formatParcelRef(id) },
        comptes: idx
          .comptesOfParcel(id)
          .map((c) => ({ id: c.id, dnupro: c.dnupro, owners: compteView(c).owners.map((o) => o.designation.replace('/', ' ')) })),
      };
    },
    'owners:releve': async ({ compteId, mode, purpose, requester }) => {
      const c = await compteOf(compteId);
      const view = compteView(c);
      if (mode === 'complet') {
        const file = await relevePdf(view, { mode, today: ctx.platform.now() });
        logConsultation(c, 'releve-commune', purpose);
        return file;
      }
      if (!requester)
        throw new GuichetError('invalid_input', 'Indiquez qui demande le relevé (nom du demandeur).', 'tiers without requester');
      const hub = ctx.hub();
      if (!hub) throw new GuichetError('offline', TIERS_OFFLINE_MESSAGE, 'tiers relevé without a session hub');
      try {
        // Recorded (and counted) by the hub first: nothing is printed that the ledger does not hold.
        await hub.ownersCommunicate({
          id: randomUUID(),
          requesterName: requester.name,
          requesterKind: requester.kind,
          ownerDnuper: requester.ownerDnuper ?? null,
          compteId: c.id,
          parcels: c.parcels.slice(0, 500).map((p) => p.id),
          purpose,
        });
      } catch (err) {
        if (err instanceof GuichetError && (err.code === 'offline' || err.code === 'hub_unavailable'))
          throw new GuichetError('offline', TIERS_OFFLINE_MESSAGE, err.detail);
        throw err;
      }
      ctx.requestSync();
      return relevePdf(view, { mode, today: ctx.platform.now(), requesterName: requester.name });
    },
    'owners:communication-usage': async ({ requesterName }) => {
      ctx.requirePermission(OWNERS_READ);
      await unlock();
      const past = store.readAll('owners.communications', communicationSchema);
      const key = foldName(requesterName);
      const now = ctx.platform.now();
      const used = usageOf(past, key, now);
      return {
        ...used,
        weekLimit: WEEK_LIMIT,
        monthLimit: MONTH_LIMIT,
        refusal: communicationRefusal(past, { requesterKey: key, counted: true }, now)?.message ?? null,
      };
    },
    'owners:journal': async ({ limit, before }) => {
      ctx.requirePermission('owners.log');
      await unlock();
      const all = store
        .readAll('owners.journal', journalEntrySchema)
        .filter((e) => before === undefined || e.at < before)
        .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
      const n = limit ?? 200;
      return { entries: all.slice(0, n), more: all.length > n };
    },
    'owners:grants': async () => (await adminHub().listUsers()).map(grantee),
    'owners:grant': async ({ userId }) => grantee(await adminHub().grantPermission(userId, OWNERS_READ)),
    'owners:revoke': async ({ userId }) => grantee(await adminHub().withdrawPermission(userId, OWNERS_READ)),
  };

  return {
    handlers,
    collections: store.collections({
      'owners.comptes': compteSchema,
      'owners.communications': communicationSchema,
      'owners.journal': journalEntrySchema,
      'owners.imports': majicImportRecordSchema,
    }),
    async beforePush() {
      // The key is read before the pull that may bring owner records (they are applied synchronously).
      // Without the grant (withdrawn meanwhile: session.refresh emptied the tables), nothing stays in memory either.
      if (!ctx.may(OWNERS_READ) && !ctx.may('owners.log')) return lock();
      await unlock();
      if (store.needsResync()) {
        ctx.forceSnapshot();
        store.resyncAsked();
        log.info('owners local copy incomplete: snapshot asked for the next pull');
      }
    },
    onSessionEnd() {
      // The key and the decrypted index leave memory; the encrypted copy stays, so the same user's next
      // login does not re-download the whole territory over a town hall's link. A next session without
      // the grant narrows the replica's scope, and the session clears these tables then (session.ts).
      lock();
      log.info('owners local copy locked at the end of the session');
    },
  };
}
