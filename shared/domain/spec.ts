import type { z } from 'zod';
import type { CommuneRole, Service } from '../accounts/roles.js';
import type { InputSchemas } from '../api/channel.js';
import type { HubRoutes } from '../api/contract.js';

/**
 * How a domain (electoral, acts, cadastre, …) declares itself, once, in
 * `shared/<domain>/domain.ts`. Every layer reads the same declaration: the hub
 * enforces it on push and on command, the PC uses it for comfort checks and to
 * know what it receives, the renderer to show or hide. Nothing here names a
 * domain: the list of domains lives only in the composition roots
 * (`shared/domains.ts`, `electron/domains.ts`, `hub-server/domains.ts`,
 * `renderer/src/domains.ts`).
 */

/** A refusal of a write rule: the same French sentence on the PC (comfort) and on the hub (law). */
export interface RuleRefusal {
  code: 'forbidden' | 'invalid_input' | 'conflict';
  /** French, for the user. */
  message: string;
  /** For the log: field names and states, never values that may be personal data. */
  detail: string;
}

/** What a collection's write rule is asked about. */
export interface WriteAttempt<T> {
  /** The record as the hub holds it (null when the client creates it). */
  before: T | null;
  /** The record as the client wants it (null for a delete). */
  after: T | null;
  /** Whether the writer's role holds a permission (of any domain). */
  may(permission: string): boolean;
  /** The day in Paris (AAAA-MM-JJ) when the writer knows it (hub and PC do): rules refusing future dates use it. */
  today?: string;
}

export interface CollectionSpec<T = unknown> {
  /** Who writes it: `client` collections are pushed by PCs, `hub` ones only by hub code (imports, returns). */
  writer: 'client' | 'hub';
  /** Needed to receive the collection at all (personal data stays off devices of roles without it). */
  read: string;
  /** Needed to push upserts/deletes (client collections only). */
  write?: string;
  /** The record's schema, bounded (strings, arrays, depth): the hub refuses what does not parse, the PC skips it. */
  schema: z.ZodType<T>;
  /** State transitions and permission-dependent fields; null = allowed. Pure: runs on the hub and on the PC. */
  checkWrite?(attempt: WriteAttempt<T>): RuleRefusal | null;
  /** What the user reads when their change was based on an outdated version. */
  staleMessage?: string;
  /**
   * SHA-256 of the files the record names (files module). The hub refuses a write naming a file it does
   * not hold whole for this domain, and never expires a file a record still names. Pure.
   */
  files?(record: T): readonly string[];
  /**
   * The id a record gets from its own fields, when the collection has such ids (SHA-256 from the host,
   * shared stays pure): a snapshot in the compact encoding leaves out the ids it gives back (shared/sync/columns.ts).
   */
  derivedId?(data: T, sha256hex: (text: string) => string): string;
}

export interface CommandSpec<P = unknown> {
  permission: string;
  /** Bounded payload schema; the hub refuses what does not parse. */
  payload: z.ZodType<P>;
}

export interface PermissionSpec {
  /** French, for the mayor's screens. */
  label: string;
  /** Roles that hold it. */
  roles: readonly CommuneRole[];
  /**
   * Held by no role by itself: the mayor (`users.manage`) grants it to named users, one by one
   * (e.g. the owners' personal data). `roles` is then empty; the grant travels with the session.
   */
  grantable?: true;
}

/** What every domain declares, whatever its channel types: what generic code (the registry) reads. */
export interface DomainSpecBase {
  /** Folder name in every layer, prefix of its channels (`id:verb`), collections and commands (`id.name`). */
  id: string;
  /** Service the collectivité opts into; null = always on (accounts). */
  service: Service | null;
  permissions: Record<string, PermissionSpec>;
  /** Keyed by full name (`electoral.demands`). */
  collections: Record<string, CollectionSpec<never>>;
  /** Keyed by full name (`electoral.import`). */
  commands: Record<string, CommandSpec<never>>;
  /** Input schema of each renderer↔main channel (`id:verb`). */
  channels: object;
  /** Event names pushed from main to the renderer (`id:event`). */
  events: readonly string[];
  /** The domain's own hub HTTP routes (beyond sync push/pull), merged into the hub contract and its OpenAPI document. */
  routes?: HubRoutes;
  /**
   * Days the hub keeps a complete file of this domain that no record names any more (or never named:
   * uploaded before a push that was refused). Absent: kept for ever. A named file is never expired.
   */
  fileRetentionDays?: number;
}

/**
 * A domain's declaration. `Channels`/`Events` are the renderer↔main contract
 * types (shared/api/channel.ts), carried as phantom types so the composition
 * root can merge them.
 */
export interface DomainSpec<Channels = unknown, Events = unknown> extends DomainSpecBase {
  channels: InputSchemas<Channels>;
  events: readonly (keyof Events & string)[];
  /** Phantom: never set at run time. */
  readonly types?: { channels: Channels; events: Events };
}

/** Declares a domain with its channel and event types: `defineDomain<MyChannels, MyEvents>()({ … })`. */
export function defineDomain<Channels, Events = Record<never, never>>() {
  return <const D extends DomainSpec<Channels, Events>>(spec: D): D & DomainSpec<Channels, Events> => spec;
}

/** A collection spec typed by its record, erased to fit in a domain's map. */
export function collection<T>(spec: CollectionSpec<T>): CollectionSpec<never> {
  return spec as unknown as CollectionSpec<never>;
}

/** A command spec typed by its payload, erased to fit in a domain's map. */
export function command<P>(spec: CommandSpec<P>): CommandSpec<never> {
  return spec as unknown as CommandSpec<never>;
}
