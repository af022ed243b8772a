/**
 * Composition root of the client core: the one list of the domains the PC
 * carries. Add a domain here (one line) next to shared/domains.ts,
 * hub-server/domains.ts and renderer/src/domains.ts; the client core, the
 * migrations runner and the dispatcher iterate this list and never name a domain.
 */
import { registry } from '../shared/domains.js';
import { accountsClient } from './accounts/client-domain.js';
import { actsClient } from './acts/client-domain.js';
import { assistanceClient } from './assistance/client-domain.js';
import { cadastreClient } from './cadastre/client-domain.js';
import type { ClientComposition, ClientDomain } from './core/client-domain.js';
import { migrationSetsOf } from './core/client-domain.js';
import { electoralClient } from './electoral/client-domain.js';
import { ownersClient } from './owners/client-domain.js';

export const CLIENT_DOMAINS: readonly ClientDomain[] = [
  accountsClient,
  electoralClient,
  actsClient,
  cadastreClient,
  ownersClient,
  assistanceClient,
];

/** What createClientCore is built from unless a test gives another composition. */
export const CLIENT_COMPOSITION: ClientComposition = { domains: CLIENT_DOMAINS, registry };

/** Every local migration this build knows: the core's, then each domain's. */
export const CLIENT_MIGRATIONS = migrationSetsOf(CLIENT_DOMAINS);
