/**
 * A real CoreContext without the hub or the session manager: the client db
 * with every migration, the real outbox, a node platform in `dataDir`, and a
 * logged-in user whose role the caller chooses. For tests, the bench and the
 * demo of the electoral module.
 */
import type Database from 'better-sqlite3';
import { join } from 'node:path';
import type { SessionState } from '../../shared/accounts/ipc.js';
import { permissionsOf, type CommuneRole } from '../../shared/accounts/roles.js';
import type { EventName, GuichetEvents } from '../../shared/api/ipc.js';
import { GuichetError } from '../../shared/errors.js';
import type { CoreContext } from '../core/context.js';
import { openClientDb } from '../db/open.js';
import { createNodePlatform } from '../platform/node-platform.js';
import { createOutbox, type SyncOutbox } from '../sync/outbox.js';

export interface StandaloneContext {
  ctx: CoreContext;
  db: Database.Database;
  outbox: SyncOutbox;
  events: { event: EventName; payload: unknown }[];
  syncRequests: () => number;
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
}): StandaloneContext {
  const platform = createNodePlatform({
    dataDir: opts.dataDir,
    now: opts.now,
    deviceName: 'poste-test',
    logLevel: opts.logLevel ?? 'info',
  });
  const db = openClientDb(join(opts.dataDir, 'guichet.sqlite'));
  const outbox = createOutbox(db, platform.now);
  const events: StandaloneContext['events'] = [];
  let requests = 0;
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
    permissions: user ? [...permissionsOf(user.role)] : [],
    deviceName: 'poste-test',
  });

  const ctx: CoreContext = {
    db,
    platform,
    log: platform.log,
    outbox,
    emit<E extends EventName>(event: E, payload: GuichetEvents[E]) {
      events.push({ event, payload });
    },
    session,
    requirePermission(permission) {
      if (!session().permissions.includes(permission)) {
        throw new GuichetError(
          'forbidden',
          "Votre rôle ne permet pas cette action. Demandez au maire s'il faut l'ouvrir à votre compte.",
          `missing permission ${permission}`,
        );
      }
    },
    requestSync() {
      requests++;
    },
  };

  return {
    ctx,
    db,
    outbox,
    events,
    syncRequests: () => requests,
    setUser(u) {
      user = u;
    },
    logFile: join(opts.dataDir, 'logs', 'guichet.log'),
    close: () => db.close(),
  };
}
