import type { ClientMigration } from '../../db/migrations/types.js';
import { actsMigration } from './001-acts.js';

/** The acts domain's local schema, in order. Append only: never renumber or edit a shipped one. */
export const ACTS_MIGRATIONS: readonly ClientMigration[] = [actsMigration];
