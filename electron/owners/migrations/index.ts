import type { ClientMigration } from '../../db/migrations/types.js';
import { ownersMigration } from './001-owners.js';

/** The owners domain's local schema, in order. Append only: never renumber or edit a shipped one. */
export const OWNERS_MIGRATIONS: readonly ClientMigration[] = [ownersMigration];
