import type { FastifyRequest } from 'fastify';

/**
 * The département's agent, as the console's staff accounts establish it (a
 * staff session with its second factor, never a collectivité's token). The
 * relay depends only on this seam; hub-server/console/staff-auth.ts provides
 * the real one.
 */
export interface AgentIdentity {
  id: string;
  /** Shown to the secretary: « Marie Durand — Assistance du département ». */
  name: string;
  roles: readonly string[];
}

/** Answers the agent behind a request (cookie of the console), or null. */
export type AgentAuthenticator = (request: FastifyRequest) => Promise<AgentIdentity | null>;

/** Staff roles that may join a session. */
export const AGENT_ROLES: readonly string[] = ['assistance', 'administrateur'];

/** Without the console's staff accounts nobody may join: the relay refuses every agent. */
export const refuseEveryAgent: AgentAuthenticator = async () => null;

export interface AssistanceHubOptions {
  authenticateAgent?: AgentAuthenticator;
}
