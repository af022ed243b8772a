/** Tables of remote assistance (migration 013-assistance): ISO text timestamps, 0/1 booleans. */

export interface AssistanceSessionsTable {
  id: string;
  commune_id: string;
  device_id: string;
  user_id: string;
  /** SHA-256 of the code; null once used (single use). */
  code_hash: string | null;
  code_expires_at: string;
  expires_at: string;
  created_at: string;
  agent_id: string | null;
  agent_name: string | null;
  joined_at: string | null;
  ended_at: string | null;
  end_reason: string | null;
}

/** One action in a session: who, what, when; repeated inputs are counted on one row. Never content. */
export interface AssistanceActionsTable {
  id: string;
  session_id: string;
  seq: number;
  at: string;
  actor: string;
  action: string;
  count: number;
}

export interface AssistanceJoinAttemptsTable {
  id: string;
  agent_id: string;
  at: string;
  ok: number;
}

export interface AssistanceTables {
  assistance_sessions: AssistanceSessionsTable;
  assistance_actions: AssistanceActionsTable;
  assistance_join_attempts: AssistanceJoinAttemptsTable;
}
