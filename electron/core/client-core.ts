import { type BusyRegistry, createBusyRegistry } from './busy.js';
import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { hash } from 'node:crypto';
import { z } from 'zod';
import { TEMPORARY_PASSWORD_MESSAGE } from '../../shared/accounts/types.js';
import type { UpdateState } from '../../shared/api/updates.js';
import type { Channel, Envelope, EventName, GuichetEvents, OutputOf } from '../../shared/api/ipc.js';
import type { Permission } from '../../shared/domains.js';
import { GuichetError, ROLE_REFUSED_MESSAGE } from '../../shared/errors.js';
import { derivedIds } from '../../shared/sync/columns.js';
import type { SyncChannels } from '../../shared/sync/ipc.js';
import { createSessionHandlers } from '../accounts/handlers.js';
import { createSessionManager, type SessionManager } from '../accounts/session.js';
import { knownVersions } from '../db/migrations/runner.js';
import { openClientDb } from '../db/open.js';
import { CLIENT_COMPOSITION } from '../domains.js';
import { createHubClient, type HubClient, type HubClientOptions } from '../hub-client/hub-client.js';
import type { Platform } from '../platform/platform.js';
import { createSyncEngine, type SyncEngine, type SyncEngineOptions } from '../sync/engine.js';
import { createOutbox } from '../sync/outbox.js';
import { createSyncStore } from '../sync/sync-store.js';
import { deviceReportOf } from './device-report.js';
import { type ClientComposition, type ClientDomainParts, type CoreContext, clientSchemaHeader, migrationSetsOf } from './client-domain.js';
import type { LocalCollection } from './context.js';
import type { ChannelHandlers } from './handlers.js';

export interface ClientCoreOptions {
  platform: Platform;
  /** Run the 30 s background loop (default true). The CLI runs cycles itself. */
  backgroundSync?: boolean;
  /** Tuning for tests (short retries, small batches). */
  hub?: Pick<HubClientOptions, 'retry' | 'timeoutMs' | 'pushTimeoutMs' | 'gzipThresholdBytes'>;
  sync?: Pick<SyncEngineOptions, 'pushBatchSize' | 'pullLimit' | 'snapshotLimit' | 'intervalMs' | 'debounceMs' | 'maxBackoffMs'>;
  /** The domains and their registry (default: electron/domains.ts). A test may add a toy domain. */
  composition?: ClientComposition;
  /** The update service's state (the shell's, set once it starts), reported to the console after each sync. */
  updateState?: () => UpdateState | null;
  /** How often a sync cycle also asks the hub what this session may do now (default SESSION_CHECK_MS). */
  sessionCheckMs?: number;
}

/**
 * A grant the mayor withdraws, a service closed, reach the PC within this time (the hub refuses at once):
 * one small request per PC every 5 minutes, ≈ 2 a second for the département's 650 PCs.
 */
export const SESSION_CHECK_MS = 5 * 60_000;

export interface ClientCore {
  invoke<C extends Channel>(channel: C, input: unknown): Promise<Envelope<OutputOf<C>>>;
  invoke(channel: string, input: unknown): Promise<Envelope<unknown>>;
  on<E extends EventName>(event: E, listener: (payload: GuichetEvents[E]) => void): () => void;
  sync: SyncEngine;
  session: SessionManager;
  db: Database.Database;
  /** What runs that an update must not interrupt (core/busy.ts). */
  busy: BusyRegistry;
  close(): Promise<void>;
}

export const DB_FILE_NAME = 'guichet.sqlite';

const GENERIC_INTERNAL =
  "Une erreur inattendue est survenue. Elle est notée dans le journal de ce poste ; réessayez ou contactez l'assistance.";
const NOT_LOGGED_IN = 'Connectez-vous pour continuer.';

// French wording for zod's built-in messages (schemas' own messages take precedence).
const FRENCH_ERRORS = z.locales.fr().localeError;

/**
 * The client core the Electron shell, the web host and the CLI all drive:
 * one local db, one outbox, one sync engine, every channel's handler.
 */
export async function createClientCore(options: ClientCoreOptions): Promise<ClientCore> {
  const { platform } = options;
  const log = platform.log.child({ mod: 'core' });
  const composition = options.composition ?? CLIENT_COMPOSITION;
  const db = openClientDb(join(platform.dataDir, DB_FILE_NAME), migrationSetsOf(composition.domains));
  try {
    return await assemble(options, composition, db);
  } catch (err) {
    db.close();
    log.error({ err }, 'client core failed to start');
    throw err;
  }
}

async function assemble(options: ClientCoreOptions, composition: ClientComposition, db: Database.Database): Promise<ClientCore> {
  const { registry } = composition;
  const { platform } = options;
  const log = platform.log.child({ mod: 'core' });
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const emit = <E extends EventName>(event: E, payload: GuichetEvents[E]): void => {
    // The outbox may have lost its last busy command (acknowledged by the hub): a waiting update may go.
    if (event === 'sync:state') busy.recheck();
    for (const l of listeners.get(event) ?? []) {
      try {
        l(payload);
      } catch (err) {
        log.error({ err, event }, 'event listener failed');
      }
    }
  };

  const outbox = createOutbox(db, platform.now);
  const busy = createBusyRegistry();
  let collections: LocalCollection[] = [];
  let domains: ClientDomainParts[] = [];
  let engine: SyncEngine | null = null;

  const session = createSessionManager({
    db,
    platform,
    outbox,
    registry,
    collections: () => collections,
    makeHub: (hubUrl, token) =>
      createHubClient({
        baseUrl: hubUrl,
        token,
        clientSchema: clientSchemaHeader(knownVersions(migrationSetsOf(composition.domains))),
        log: platform.log.child({ mod: 'hub-client' }),
        ...options.hub,
      }),
    onReplicaCleared: () => engine?.reset(),
    onSessionEnd: async () => {
      for (const d of domains) await d.onSessionEnd?.();
    },
  });
  await session.load();

  const may = (permission: Permission): boolean => (session.permissions() as readonly string[]).includes(permission);
  const requirePermission = (permission: Permission): void => {
    if (!may(permission)) throw new GuichetError('forbidden', ROLE_REFUSED_MESSAGE, `missing permission ${permission}`);
  };

  const ctx: CoreContext = {
    db,
    platform,
    log: platform.log,
    outbox,
    emit,
    session: () => session.state(),
    hub: () => session.hub(),
    may,
    requirePermission,
    requestSync: () => engine?.requestSync(),
    syncState: () => engine?.state() ?? null,
    forceSnapshot: () => createSyncStore(db).setSnapshotForced(true),
    busy,
  };

  domains = composition.domains.map((d) => d.create(ctx));
  collections = domains.flatMap((d) => d.collections);
  for (const d of domains) for (const c of d.busyCommands ?? []) busy.watch(c.kind, c.label, () => outbox.holdsCommand([c.name]));

  let sessionCheckedAt = Number.NEGATIVE_INFINITY;
  /** After a cycle, at most every sessionCheckMs: what the hub says of this session now (session.refresh). */
  async function refreshSession(hub: HubClient): Promise<void> {
    const now = platform.now().getTime();
    if (now - sessionCheckedAt < (options.sessionCheckMs ?? SESSION_CHECK_MS)) return;
    sessionCheckedAt = now;
    // The screens follow: menus and permissions as the hub now holds them.
    if (session.refresh(await hub.me())) emit('session:state', session.state());
  }

  engine = createSyncEngine({
    db,
    hub: () => session.hub(),
    collections,
    outbox,
    platform,
    deriveId: derivedIds(registry, (text) => hash('sha256', text, 'hex')),
    emit: (event, state) => emit(event, state),
    // The token is already gone from memory when the secret store fails: log it, never leave the rejection unhandled.
    onUnauthenticated: () =>
      void session
        .dropToken()
        .catch((err: unknown) =>
          log.error({ err: err instanceof Error ? err.message : 'unknown' }, 'could not forget the refused token in the secret store'),
        ),
    beforePush: async (hub) => {
      for (const d of domains) await d.beforePush?.(hub);
    },
    // At most once per cycle; a hub without the route or offline only costs a debug line.
    afterCycle: async (hub, state) => {
      const outcomes = await Promise.allSettled([
        hub.deviceReport(deviceReportOf(state, options.updateState?.() ?? null)),
        refreshSession(hub),
      ]);
      for (const o of outcomes) if (o.status === 'rejected') throw o.reason;
    },
    ...options.sync,
  });
  const sync = engine;

  const syncHandlers: ChannelHandlers<SyncChannels> = {
    'sync:state': () => sync.state(),
    'sync:now': () => sync.runCycle(),
    'sync:confirm-mass-deletion': ({ accept }) => sync.confirmMassDeletion(accept),
    'sync:dismiss-rejected': ({ mutationId }) => sync.dismissRejected(mutationId),
  };

  // Looked up by name; `invoke` only passes the input its channel's schema has just validated.
  const handlers = new Map<string, (input: unknown) => unknown>();
  const register = (map: Record<string, (input: never) => unknown>) => {
    for (const [channel, handler] of Object.entries(map)) handlers.set(channel, handler as (input: unknown) => unknown);
  };
  register(createSessionHandlers(session));
  register(syncHandlers);
  for (const d of domains) register(d.handlers);

  async function invoke(channel: string, input: unknown): Promise<Envelope<unknown>> {
    const started = Date.now();
    try {
      const schema = registry.channelInput(channel);
      if (!schema)
        throw new GuichetError(
          'bad_request',
          "Cette action n'existe pas dans cette version de Guichet.",
          `unknown channel ${channel.slice(0, 60)}`,
        );
      const handler = handlers.get(channel);
      if (!handler)
        throw new GuichetError('bad_request', "Cette action n'est pas encore disponible sur ce poste.", `no handler for ${channel}`);
      const parsed = schema.safeParse(input ?? null, { error: FRENCH_ERRORS });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new GuichetError('invalid_input', issue.message, `${channel}: ${issue.path.join('.') || '(racine)'} ${issue.code}`);
      }
      if (!channel.startsWith('session:') && session.state().status !== 'logged_in') {
        throw new GuichetError('unauthenticated', NOT_LOGGED_IN, `${channel} without session`);
      }
      // The hub holds every route until a temporary password is changed; the PC says so before asking it.
      if (!channel.startsWith('session:') && session.state().mustChangePassword === true) {
        throw new GuichetError('password_change_required', TEMPORARY_PASSWORD_MESSAGE, `${channel} with a temporary password`);
      }
      const value = await handler(parsed.data);
      // A new session starts filling (or refreshing) the replica right away.
      if (channel === 'session:login' || channel === 'session:enroll') sync.requestSync();
      log.debug({ channel, ms: Date.now() - started }, 'invoke');
      return { ok: true, value };
    } catch (err) {
      if (err instanceof GuichetError) {
        log.info({ channel, code: err.code, detail: err.detail, ms: Date.now() - started }, 'invoke refused');
        return { ok: false, error: err.toBody() };
      }
      if (err instanceof z.ZodError) {
        const issue = err.issues[0];
        log.info({ channel, detail: `${issue?.path.join('.')} ${issue?.code}` }, 'invoke invalid');
        return { ok: false, error: { code: 'invalid_input', message: issue?.message ?? 'Les informations saisies sont invalides.' } };
      }
      log.error({ channel, err }, 'invoke failed');
      return { ok: false, error: { code: 'internal', message: GENERIC_INTERNAL } };
    }
  }

  if (options.backgroundSync ?? true) sync.start();

  let closed = false;
  return {
    invoke: invoke as ClientCore['invoke'],
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => void set.delete(listener as (payload: unknown) => void);
    },
    sync,
    session,
    db,
    busy,
    async close() {
      if (closed) return;
      closed = true;
      await sync.stop();
      db.close();
    },
  };
}
