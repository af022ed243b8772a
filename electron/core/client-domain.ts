import type { BusyRegistry } from './busy.js';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { SessionState } from '../../shared/accounts/ipc.js';
import type { EventName, GuichetEvents } from '../../shared/api/ipc.js';
import type { SyncState } from '../../shared/sync/ipc.js';
import type { DomainRegistry } from '../../shared/domain/registry.js';
import type { DomainSpecBase, RuleRefusal } from '../../shared/domain/spec.js';
import type { Permission } from '../../shared/domains.js';
import { GuichetError } from '../../shared/errors.js';
import { CORE_MIGRATIONS } from '../db/migrations/core.js';
import type { SchemaVersions } from '../db/migrations/runner.js';
import type { ClientMigration, DomainMigrations } from '../db/migrations/types.js';
import type { HubClient } from '../hub-client/hub-client.js';
import type { Platform } from '../platform/platform.js';
import type { LocalCollection, Outbox } from './context.js';

/** Everything a domain's handlers get from the core. */
export interface CoreContext {
  db: Database.Database;
  platform: Platform;
  log: Logger;
  outbox: Outbox;
  emit<E extends EventName>(event: E, payload: GuichetEvents[E]): void;
  session(): SessionState;
  /** The hub of the logged-in session, null otherwise (online-only work: downloads, administration). */
  hub(): HubClient | null;
  /** Whether the logged-in role holds a permission (for rules that depend on it, e.g. shared write rules). */
  may(permission: Permission): boolean;
  /** Throws GuichetError('forbidden') with a French message if the logged-in role lacks it. */
  requirePermission(permission: Permission): void;
  /** Ask the background sync to run soon (after a local change). */
  requestSync(): void;
  /** Where sync stands (diagnostics), null before the engine runs. */
  syncState(): SyncState | null;
  /** The next pull lays down the hub's whole snapshot (a domain whose local copy was wiped or missed records). */
  forceSnapshot(): void;
  /** Work that must not be cut by an update's restart (imports, signatures, transmissions, assistance): core/busy.ts. */
  busy: BusyRegistry;
}

/** What a domain gives the core once created. */
export interface ClientDomainParts {
  /** Keyed by channel; each takes its own channel's input, already validated by the dispatcher (`never` accepts any). */
  handlers: Record<string, (input: never) => unknown>;
  /** The local tables the sync engine fills from the hub. */
  collections: LocalCollection[];
  /** Work the sync engine runs before pushing the outbox (see SyncEngineOptions.beforePush). */
  beforePush?: (hub: HubClient) => Promise<void>;
  /** The session ended (logout, or the hub refused the token): drop what must not stay on an unattended PC. */
  onSessionEnd?: () => void;
}

/**
 * A domain on the PC: its shared declaration, its local schema, and how it is
 * built. The composition root (electron/domains.ts) lists them; the client core
 * iterates that list and never names a domain.
 */
export interface ClientDomain {
  spec: DomainSpecBase;
  /** Its local tables, numbered within the domain (electron/<domain>/migrations/). */
  migrations: readonly ClientMigration[];
  create(ctx: CoreContext): ClientDomainParts;
}

/** The domains a client core is built from, with the registry of their shared declarations. */
export interface ClientComposition {
  domains: readonly ClientDomain[];
  registry: DomainRegistry;
}

/** What the runner applies: the core's sync tables first, then each domain's. */
export function migrationSetsOf(domains: readonly ClientDomain[]): DomainMigrations[] {
  return [CORE_MIGRATIONS, ...domains.map((d) => ({ domain: d.spec.id, migrations: d.migrations }))];
}

/**
 * Value of `x-guichet-client-schema`: the local schema version of each domain,
 * as an RFC 8941 dictionary (`core=3, electoral=1, acts=1`), so the hub's log
 * tells which build a PC runs, domain by domain.
 */
export function clientSchemaHeader(versions: SchemaVersions): string {
  return Object.entries(versions)
    .map(([domain, version]) => `${domain}=${version}`)
    .join(', ');
}

/** Throws a shared rule's refusal as the error the renderer shows (the same sentence the hub would answer). */
export function enforce(refusal: RuleRefusal | null): void {
  if (refusal) throw new GuichetError(refusal.code, refusal.message, refusal.detail);
}
