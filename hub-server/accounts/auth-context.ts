import type { CommuneRole, Service } from '../../shared/accounts/roles.js';

/**
 * Who is calling, as established from the bearer token by the auth hook
 * (hub-server/accounts/auth.ts). Routes read the commune from here only.
 */
export interface AuthContext {
  communeId: string;
  insee: string;
  userId: string;
  deviceId: string;
  sessionId: string;
  role: CommuneRole;
  services: Service[];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every authenticated route; absent on public ones. */
    auth?: AuthContext;
  }
}
