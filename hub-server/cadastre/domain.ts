import { cadastreDomain } from '../../shared/cadastre/domain.js';
import type { HubDomain } from '../domain/hub-domain.js';

/**
 * The cadastre plan on the hub: no route and no command of its own. The
 * département loads vintages with `guichet hub admin import-cadastre`
 * (import.ts), which writes the hub-written collections of each covering
 * collectivité; the generic sync sends them, the shared declaration rules them.
 */
export const cadastreHub = {
  spec: cadastreDomain,
  commands: {},
} satisfies HubDomain;
