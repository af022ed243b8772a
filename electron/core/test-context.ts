/**
 * A real CoreContext without the hub or the session manager: the client db
 * with every migration, the real outbox, a node platform in `dataDir`, and a
 * logged-in user whose role the caller chooses. For the domains' tests and
 * the electoral bench.
 */
import type Database from 'better-sqlite3';
import { join } from 'node:path';
import type { SessionState } from '../../shared/accounts/ipc.js';
import type { CommuneRole } from '../../shared/accounts/roles.js';
import type { EventName, GuichetEvents } from '../../shared/api/ipc.js';
import { registry } from '../../shared/domains.js';
import { GuichetError, ROLE_REFUSED_MESSAGE } from '../../shared/errors.js';
import { openClientDb } from '../db/open.js';
import { CLIENT_MIGRATIONS } from '../domains.js';
import type { HubClient } from '../hub-client/hub-client.js';
import { createNodePlatform } from '../platform/node-platform.js';
import { createOutbox, type SyncOutbox } from '../sync/outbox.js';
import { createBusyRegistry } from './busy.js';
import type { CoreContext } from './client-domain.js';

export interface StandaloneContext {
  ctx: CoreContext;
  db: Database.Database;
  outbox: SyncOutbox;
  events: { event: EventName; payload: unknown }[];
  syncRequests: () => number;
  /** How many times a domain asked for a snapshot on the next pull. */
  snapshotRequests: () => number;
  setUser(user: { role: CommuneRole; displayName: string } | null): void;
  logFile: string;
  close(): void;
}

export function createStandaloneContext(opts: {
  dataDir: string;
  role?: CommuneRole;
  displayName?: string;
  now?: () => Date;
  logLevel?: string;
  /** The hub the domain may call online (downloads); none by default. */
  hub?: () => HubClient | null;
  /** Nominative grants of the user (e.g. `owners.read`). */
  grants?: string[];
}): StandaloneContext {
  const platform = createNodePlatform({
    dataDir: opts.dataDir,
    now: opts.now,
    deviceName: 'poste-test',
    logLevel: opts.logLevel ?? 'info',
  });
  const db = openClientDb(join(opts.dataDir, 'guichet.sqlite'), CLIENT_MIGRATIONS);
  const outbox = createOutbox(db, platform.now);
  const events: StandaloneContext['events'] = [];
  let requests = 0;
  let snapshots = 0;
  let user: { role: CommuneRole; displayName: string } | null = {
    role: opts.role ?? 'secretaire',
    displayName: opts.displayName ?? 'Claire Agent',
  };

  const session = (): SessionState => ({
    status: user ? 'logged_in' : 'logged_out',
    hubUrl: 'https://hub.example.test',
    user: user ? { id: 'u1', username: 'agent', displayName: user.displayName, role: user.role, disabled: false } : null,
    commune: {
      kind: 'commune',
      insee: '10387',
      siren: '211003876',
      name: 'Troyes',
      arrondissement: '103',
      members: [],
      services: ['electoral'],
    },
    services: ['electoral'],
    permissions: user ? ([...registry.permissionsOf(user.role, opts.grants ?? [])] as SessionState['permissions']) : [],
    deviceName: 'poste-test',
  });

  const may = (permission: string) => (session().permissions as readonly string[]).includes(permission);
  const ctx: CoreContext = {
    db,
    platform,
    log: platform.log,
    outbox,
    emit<E extends EventName>(event: E, payload: GuichetEvents[E]) {
      events.push({ event, payload });
    },
    session,
    hub: () => opts.hub?.() ?? null,
    may,
    requirePermission(permission) {
      if (!may(permission)) {
        throw new GuichetError('forbidden', ROLE_REFUSED_MESSAGE, `missing permission ${permission}`);
      }
    },
    busy: createBusyRegistry(),
    requestSync() {
      requests++;
    },
    syncState: () => null,
    forceSnapshot() {
      snapshots++;
    },
  };

  return {
    ctx,
    db,
    outbox,
    events,
    syncRequests: () => requests,
    snapshotRequests: () => snapshots,
    setUser(u) {
      user = u;
    },
    logFile: join(opts.dataDir, 'logs', 'guichet.log'),
    close: () => db.close(),
  };
}
