/**
 * Composition root of shared/: the one list of the platform's domains. Add a
 * domain here (one line) and in electron/domains.ts, hub-server/domains.ts and
 * renderer/src/domains.ts; nothing else lists them. Generic code (the sync
 * cores, the dispatcher) receives `registry`, never a domain.
 */
import { accountsDomain } from './accounts/domain.js';
import { sessionInputs } from './accounts/ipc.js';
import { mergeRoutes } from './api/contract.js';
import { HUB_ROUTES } from './api/hub.js';
import { DEVICE_REPORT_ROUTES } from './console/routes.js';
import { actsDomain } from './acts/domain.js';
import { assistanceDomain } from './assistance/domain.js';
import { cadastreDomain } from './cadastre/domain.js';
import { createRegistry } from './domain/registry.js';
import { electoralDomain } from './electoral/domain.js';
import { ownersDomain } from './owners/domain.js';
import { syncInputs } from './sync/ipc.js';

export const DOMAINS = [accountsDomain, electoralDomain, actsDomain, cadastreDomain, ownersDomain, assistanceDomain] as const;

/** Session and sync channels belong to the core, not to a domain. */
export const registry = createRegistry(DOMAINS, { ...sessionInputs, ...syncInputs });

type Domain = (typeof DOMAINS)[number];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type ChannelsOf<D> = D extends { types?: { channels: infer C } } ? C : never;
type EventsOf<D> = D extends { types?: { events: infer E } } ? E : never;

/** Every domain's renderer↔main channels, merged. */
export type DomainChannels = UnionToIntersection<ChannelsOf<Domain>>;
/** Every domain's main→renderer events, merged. */
export type DomainEvents = UnionToIntersection<EventsOf<Domain>>;
/** A permission declared by some domain. */
export type Permission = keyof UnionToIntersection<Domain['permissions']> & string;
/** A collection declared by some domain. */
export type CollectionName = keyof UnionToIntersection<Domain['collections']> & string;
type RoutesOf<D> = D extends { routes: infer R } ? R : never;

/** Every hub HTTP route, core and domains': what the hub validates with, the client types from, and /api/v1/openapi.json documents. */
// The PC's report about itself (console) is a core route the PC calls after each sync.
export const HUB_CONTRACT = mergeRoutes({ ...HUB_ROUTES, ...DEVICE_REPORT_ROUTES }, DOMAINS) as typeof HUB_ROUTES &
  typeof DEVICE_REPORT_ROUTES &
  UnionToIntersection<RoutesOf<Domain>>;
export type HubContract = typeof HUB_CONTRACT;
