import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DomainRegistry } from '../../shared/domain/registry.js';
import type { DomainSpecBase } from '../../shared/domain/spec.js';
import type { BuildHubOptions } from '../app.js';
import type { HubDatabase } from '../db/schema.js';
import type { CommandHandler } from '../sync/commands.js';

/**
 * What a domain brings to the hub, beside its shared declaration: its HTTP
 * routes, the handlers of the commands it declares, and the background work
 * it runs while the hub is up. The list of hub domains lives only in
 * hub-server/domains.ts; app.ts and server.ts iterate it.
 */

/** What the hub hands to a domain: its database, the registry (permissions, collections) of every domain, the hub's build options. */
export interface HubDomainContext {
  db: Kysely<HubDatabase>;
  registry: DomainRegistry;
  /** Options the hub was built with (a domain reads its own, e.g. `files`). */
  build: BuildHubOptions;
}

/** A running background service (a worker, a mailbox…): stopped when the hub closes. */
export interface HubService {
  close(): Promise<void>;
}

export interface HubDomain<Config = never, Service extends HubService = HubService> {
  /** The shared declaration (shared/<domain>/domain.ts): the hub enforces what it says. */
  spec: DomainSpecBase;
  /** A fastify plugin with the domain's own routes (registered in its own encapsulated scope). */
  routes?(app: FastifyInstance, ctx: HubDomainContext): Promise<void>;
  /** One handler per command the spec declares, keyed by the command's name. */
  commands: Readonly<Record<string, CommandHandler>>;
  /** Started by startHub once the hub listens, when the hub is given this domain's configuration. */
  start?(ctx: Omit<HubDomainContext, 'build'> & { log: Logger }, config: Config): Promise<Service>;
}

/** Any hub domain, whatever its configuration (what generic code iterates). */
// biome-ignore lint/suspicious/noExplicitAny: the list mixes domains of different configurations; each checks its own.
export type AnyHubDomain = HubDomain<any, HubService>;

/**
 * The command table of the app: every command the registry declares has exactly
 * one handler, from the domain that declares it. Throws at start-up, never later.
 */
export function commandHandlers(domains: readonly AnyHubDomain[], registry: DomainRegistry): ReadonlyMap<string, CommandHandler> {
  const handlers = new Map<string, CommandHandler>();
  for (const d of domains) {
    if (!registry.domains.includes(d.spec)) throw new Error(`hub domain ${d.spec.id} is not in the registry`);
    for (const [name, handler] of Object.entries(d.commands)) {
      if (registry.command(name)?.domain !== d.spec.id)
        throw new Error(`hub domain ${d.spec.id} handles ${name}, which it does not declare`);
      handlers.set(name, handler);
    }
  }
  for (const d of registry.domains)
    for (const name of Object.keys(d.commands))
      if (!handlers.has(name)) throw new Error(`command ${name} of domain ${d.id} has no hub handler`);
  return handlers;
}
