import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { EnrollInput, LoginInput, SessionState } from '../../shared/accounts/ipc.js';
import { collectiviteCode, loginKey } from '../../shared/accounts/collectivites.js';
import type { ChangePasswordRequest, CommuneInfo, DeviceInfo, MeResponse, SessionGrant, UserInfo } from '../../shared/accounts/types.js';
import type { DomainRegistry } from '../../shared/domain/registry.js';
import { GuichetError } from '../../shared/errors.js';
import type { LocalCollection } from '../core/context.js';
import type { HubClient } from '../hub-client/hub-client.js';
import type { Platform } from '../platform/platform.js';
import type { SyncOutbox } from '../sync/outbox.js';
import { createSyncStore } from '../sync/sync-store.js';

/** Key of the bearer token in `platform.secrets` (never in SQLite, never logged). */
export const TOKEN_SECRET_KEY = 'hub-session-token';
/**
 * Key of this data folder's device key in `platform.secrets`: made once, presented at every login
 * so the hub keeps one device (« ce poste ») for this PC whoever logs in. The mutation counter
 * (`last_mutation_id`) lives in the same data folder, so (device, mutation) stays unique on the hub.
 */
export const DEVICE_KEY_SECRET = 'hub-device-key';

/** What is kept about the session in `sync_state`: everything but the token. */
export interface StoredSession {
  hubUrl: string;
  user: UserInfo;
  commune: CommuneInfo;
  device: DeviceInfo;
  deviceName: string;
}

/**
 * Which hub data the local replica holds: one collectivité, and the collections
 * the logged-in role may read. Another scope on login means the local data and
 * cursor no longer describe what this session receives, so it is cleared.
 */
export interface ReplicaScope {
  /** The collectivité's code (collectiviteCode): a commune's INSEE code, a grouping's SIREN. */
  insee: string;
  /** Sorted, so two scopes compare as strings. */
  collections: string[];
}

export interface SessionManagerOptions {
  db: Database.Database;
  platform: Platform;
  outbox: SyncOutbox;
  /** The domains' declarations: which permissions a role holds, which collections a session receives. */
  registry: DomainRegistry;
  collections: () => LocalCollection[];
  makeHub: (hubUrl: string, token: () => string | null) => HubClient;
  /** Called after the replica was cleared (the sync engine forgets in-memory state). */
  onReplicaCleared: () => void;
  /**
   * The user's session ends (logout, or the hub refused the token), before the token goes: domains end work
   * tied to it (a remote-assistance session) and drop what must not stay in memory (the owners' key).
   */
  onSessionEnd?: () => Promise<void> | void;
}

export interface SessionManager {
  /** Reads the token once from the secret store; call before anything else. */
  load(): Promise<void>;
  state(): SessionState;
  /** Hub client of the logged-in session, null otherwise. */
  hub(): HubClient | null;
  /** The device's bearer token (for the update feed's staged rollout), null when none; never logged. */
  token(): string | null;
  permissions(): SessionState['permissions'];
  enroll(input: EnrollInput): Promise<SessionState>;
  login(input: LoginInput): Promise<SessionState>;
  logout(): Promise<SessionState>;
  changePassword(input: ChangePasswordRequest): Promise<SessionState>;
  /** The hub refused the token (revoked device, disabled account): forget it locally. */
  dropToken(): Promise<void>;
  /**
   * What the hub says of this session now (`GET /me`, asked by the client core now and then): a grant the
   * mayor withdrew or gave, a service closed or opened, a password reset, take effect on this PC without
   * waiting for the next login. Answers whether anything changed.
   */
  refresh(me: Pick<MeResponse, 'user' | 'commune'>): boolean;
}

const PENDING_OTHER_SCOPE =
  "Ce poste garde des modifications de la session précédente qui n'ont pas encore été envoyées au hub. Reconnectez-vous avec le compte précédent et synchronisez avant de changer de commune ou de compte.";

function sameScope(a: ReplicaScope, b: ReplicaScope): boolean {
  return a.insee === b.insee && a.collections.join(',') === b.collections.join(',');
}

/**
 * Same tenant and nothing taken away: a newer build (or a new service or grant) adds collections.
 * The replica and the queue stay; the next pull lays the hub's snapshot down to fill the new ones.
 */
function widens(from: ReplicaScope, to: ReplicaScope): boolean {
  return from.insee === to.insee && from.collections.every((c) => to.collections.includes(c));
}

export function createSessionManager(options: SessionManagerOptions): SessionManager {
  const { db, platform, outbox } = options;
  const log = platform.log.child({ mod: 'session' });
  const sync = createSyncStore(db);
  const store = sync.state;
  // The token is cached in memory so `session()` stays synchronous for every handler.
  let token: string | null = null;
  let hubClient: HubClient | null = null;

  function stored(): StoredSession | null {
    // A session kept by a version before collectivités has no kind nor members: the tenant was a commune.
    const s = store.get<Omit<StoredSession, 'commune'> & { commune: Partial<CommuneInfo> & Omit<CommuneInfo, 'kind' | 'members'> }>(
      'session',
    );
    return s ? { ...s, commune: { ...s.commune, kind: s.commune.kind ?? 'commune', members: s.commune.members ?? [] } } : null;
  }

  /** The role's permissions plus the mayor's nominative grants to this user (carried by the session). */
  const permissionsOf = (user: UserInfo) =>
    [...options.registry.permissionsOf(user.role, user.grants ?? [])] as SessionState['permissions'];
  /** The collections a session receives: its collectivité's services and its user's permissions decide. */
  const scopeOf = (commune: CommuneInfo, user: UserInfo): ReplicaScope => ({
    insee: collectiviteCode(commune),
    collections: options.registry.readableCollections({ services: commune.services, permissions: permissionsOf(user) }).sort(),
  });

  function permissions(): SessionState['permissions'] {
    const s = stored();
    return s && token ? permissionsOf(s.user) : [];
  }

  function state(): SessionState {
    const s = stored();
    if (!s) return { status: 'not_enrolled', hubUrl: null, user: null, commune: null, services: [], permissions: [], deviceName: null };
    return {
      status: token ? 'logged_in' : 'logged_out',
      hubUrl: s.hubUrl,
      user: s.user,
      commune: s.commune,
      services: [...s.commune.services],
      permissions: permissions(),
      deviceName: s.deviceName,
      mustChangePassword: s.user.mustChangePassword === true,
    };
  }

  /** The hub client of the session, even while its password is temporary (for the change itself). */
  function sessionHub(s: StoredSession): HubClient {
    if (!hubClient || hubClient.baseUrl !== s.hubUrl) hubClient = options.makeHub(s.hubUrl, () => token);
    return hubClient;
  }

  /** Made once per data folder, kept in the secret store (never in SQLite, never logged). */
  async function deviceKey(): Promise<string> {
    const known = await platform.secrets.get(DEVICE_KEY_SECRET);
    if (known && /^[A-Za-z0-9_-]{43}$/.test(known)) return known;
    const key = randomBytes(32).toString('base64url');
    await platform.secrets.set(DEVICE_KEY_SECRET, key);
    return key;
  }

  function hub(): HubClient | null {
    const s = stored();
    // A temporary password holds everything on the hub but the change: no sync, no administration meanwhile.
    if (!s || !token || s.user.mustChangePassword === true) return null;
    return sessionHub(s);
  }

  /** Refuses (before touching anything) when switching scope would drop queued changes. */
  function assertMaySwitchTo(insee: string, collections: string[] | null): void {
    const current = store.get<ReplicaScope>('replica_scope');
    if (!current) return;
    const differs = current.insee !== insee || (collections !== null && !widens(current, { insee, collections }));
    if (differs && outbox.count() > 0)
      throw new GuichetError('conflict', PENDING_OTHER_SCOPE, `replica scope change with ${outbox.count()} queued changes`);
  }

  const clearReplica = db.transaction(() => {
    for (const c of options.collections()) c.clear();
    sync.clearForNewScope();
  });

  /** Whatever fails in the domains' session end, the logout goes on: it is what the user asked. */
  async function endSession(): Promise<void> {
    await Promise.resolve(options.onSessionEnd?.()).catch((err: unknown) =>
      log.error({ err: err instanceof Error ? err.message : 'unknown' }, 'work tied to the session did not end cleanly'),
    );
  }

  async function dropToken(): Promise<void> {
    token = null;
    hubClient = null;
    await platform.secrets.delete(TOKEN_SECRET_KEY);
  }

  async function adopt(hubUrl: string, grant: SessionGrant, deviceName: string): Promise<SessionState> {
    const scope = scopeOf(grant.commune, grant.user);
    try {
      assertMaySwitchTo(scope.insee, scope.collections);
    } catch (err) {
      // The hub opened a session we will not use: close it (best effort).
      await options
        .makeHub(hubUrl, () => grant.token)
        .logout()
        .catch(() => undefined);
      throw err;
    }
    // Order matters if the process dies half-way: the old token goes first, the new one
    // last, so a token never sits next to a session/scope it does not belong to (a sync
    // would then fill the replica with another commune's data). Any crash leaves
    // "logged out" with a consistent replica, and logging in again finishes the job.
    await dropToken();
    const current = store.get<ReplicaScope>('replica_scope');
    if (current && !sameScope(current, scope) && widens(current, scope)) {
      sync.setSnapshotForced(true);
      log.info(
        { added: scope.collections.filter((c) => !current.collections.includes(c)) },
        'replica scope widened: snapshot on next pull',
      );
    } else if (current && !sameScope(current, scope)) {
      clearReplica();
      options.onReplicaCleared();
      log.info({ from: current.insee, to: scope.insee }, 'local replica cleared for a new scope');
    }
    db.transaction(() => {
      store.set('session', { hubUrl, user: grant.user, commune: grant.commune, device: grant.device, deviceName } satisfies StoredSession);
      store.set('replica_scope', scope);
    })();
    await platform.secrets.set(TOKEN_SECRET_KEY, grant.token);
    token = grant.token;
    hubClient = null;
    log.info({ collectivite: collectiviteCode(grant.commune), userId: grant.user.id, deviceId: grant.device.id }, 'session opened');
    return state();
  }

  /**
   * The session as the hub now holds it. Collections this session no longer receives are emptied in the same
   * transaction as the new scope (the hub refuses them already; owner data must not outlive the grant on the
   * PC): only those, so a withdrawn grant does not re-download the electoral list. New ones come with the next
   * pull's snapshot, as at login. Another user or collectivité is not this session's business: ignored.
   */
  function refresh(me: Pick<MeResponse, 'user' | 'commune'>): boolean {
    const s = stored();
    if (!s || !token || me.user.id !== s.user.id || collectiviteCode(me.commune) !== collectiviteCode(s.commune)) return false;
    if (JSON.stringify([me.user, me.commune]) === JSON.stringify([s.user, s.commune])) return false;
    const current = store.get<ReplicaScope>('replica_scope');
    const next = scopeOf(me.commune, me.user);
    const dropped = current ? current.collections.filter((c) => !next.collections.includes(c)) : [];
    const added = current ? next.collections.filter((c) => !current.collections.includes(c)) : [];
    db.transaction(() => {
      for (const c of options.collections()) if (dropped.includes(c.name)) c.clear();
      store.set('session', { ...s, user: me.user, commune: me.commune } satisfies StoredSession);
      store.set('replica_scope', next);
    })();
    if (added.length > 0) sync.setSnapshotForced(true);
    log.info({ dropped, added }, 'session refreshed from the hub');
    return true;
  }

  return {
    async load() {
      token = await platform.secrets.get(TOKEN_SECRET_KEY);
    },
    state,
    hub,
    refresh,
    token: () => token,
    permissions,
    async enroll(input) {
      const grant = await options
        .makeHub(input.hubUrl, () => null)
        .enroll({
          code: input.code,
          username: input.username,
          displayName: input.displayName,
          password: input.password,
          deviceName: input.deviceName,
          deviceKey: await deviceKey(),
        });
      return adopt(input.hubUrl, grant, input.deviceName);
    },
    async login(input) {
      // Checked before calling the hub: no session is opened for nothing.
      const key = loginKey(input.insee);
      assertMaySwitchTo('insee' in key ? key.insee : key.siren, null);
      const grant = await options
        .makeHub(input.hubUrl, () => null)
        .login({
          ...key,
          username: input.username,
          password: input.password,
          deviceName: input.deviceName,
          deviceKey: await deviceKey(),
        });
      return adopt(input.hubUrl, grant, input.deviceName);
    },
    async changePassword(input) {
      const s = stored();
      if (!s || !token) throw new GuichetError('unauthenticated', 'Connectez-vous pour changer votre mot de passe.', 'no session');
      const user = await sessionHub(s).changePassword(input);
      store.set('session', { ...s, user } satisfies StoredSession);
      log.info({ userId: user.id }, 'password changed');
      return state();
    },
    async logout() {
      await endSession();
      const s = stored();
      const h = s && token ? sessionHub(s) : null;
      if (h) {
        // Revoking on the hub is a courtesy; the local token goes whatever the network says.
        await h.logout().catch((err: unknown) => log.info({ code: (err as GuichetError).code }, 'logout not confirmed by the hub'));
      }
      await dropToken();
      return state();
    },
    async dropToken() {
      await endSession();
      await dropToken();
    },
  };
}
