import { PostgresAdapter, type Kysely } from 'kysely';

/** Which backend a hub database runs on; migrations and a few queries differ slightly. */
export type HubDialect = 'sqlite' | 'postgres';

export function dialectOf<DB>(db: Kysely<DB>): HubDialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

export function isPostgres<DB>(db: Kysely<DB>): boolean {
  return dialectOf(db) === 'postgres';
}

/** Timestamps are ISO-8601 text set in app code, so both backends store and sort them the same way. */
export function nowIso(): string {
  return new Date().toISOString();
}

/**
 * COUNT(*) and bigint columns: pg's int8 parser is replaced by Number in
 * openHubDb, but normalise anyway for values built elsewhere (raw pg clients).
 */
export function toCount(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return Number.parseInt(value, 10);
  return 0;
}
