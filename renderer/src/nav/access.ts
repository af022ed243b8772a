import type { SessionState } from '../../../shared/accounts/ipc.js';
import type { Service } from '../../../shared/accounts/roles.js';
import { registry } from '../../../shared/domains.js';
import type { Permission } from '../../../shared/domains.js';

/**
 * Whether this session may open a screen of a domain: the one check of the
 * renderer, for every route and every tile, through the shared registry
 * (« service opted into and permission held »). The hub checks again; this
 * only avoids showing what cannot be used.
 */
export function mayOpen(session: SessionState | null, service: Service | null, permission: Permission | null): boolean {
  if (session?.status !== 'logged_in') return false;
  if (permission === null) return service === null || session.services.includes(service);
  return registry.mayUse({ services: session.services, permissions: session.permissions }, service, permission);
}
