/**
 * Composition root of the hub: the one list of its domains. Add a domain with
 * one line here (its `HubDomain`: routes, command handlers, background
 * services); app.ts and server.ts iterate the list, the generic sync gets the
 * registry and the handlers from the app. The shared declarations are listed
 * in shared/domains.ts, which builds the registry.
 */
import { registry } from '../shared/domains.js';
import { actsHub } from './acts/domain.js';
import { assistanceHub } from './assistance/domain.js';
import { cadastreHub } from './cadastre/domain.js';
import type { HubDomain, HubService } from './domain/hub-domain.js';
import { electoralHub } from './electoral/domain.js';
import { ownersHub } from './owners/domain.js';

export const HUB_DOMAINS = [electoralHub, actsHub, cadastreHub, ownersHub, assistanceHub] as const;

/** The registry the hub enforces (built once in shared/domains.ts). */
export const HUB_REGISTRY = registry;

type Listed = (typeof HUB_DOMAINS)[number];
type WithServices = Extract<Listed, { start: unknown }>;
type ConfigOf<D> = D extends { start(ctx: never, config: infer C): Promise<unknown> } ? C : never;
type ServiceOf<D> = D extends { start(ctx: never, config: never): Promise<infer S> } ? S : never;

/** Configuration of each domain's background services, by domain id (`{ acts: ActesConfig }`); a domain not given one does not start them. */
export type HubServiceConfigs = { [D in WithServices as D['spec']['id']]?: ConfigOf<D> };
/** The background services running, by domain id. */
export type HubServices = { [D in WithServices as D['spec']['id']]?: ServiceOf<D> };
export type { HubDomain, HubService };
