import type { ClientMigration } from '../../db/migrations/types.js';
import { cadastreMigration } from './001-cadastre.js';

/** The cadastre domain's local schema, in order. Append only: never renumber or edit a shipped one. */
export const CADASTRE_MIGRATIONS: readonly ClientMigration[] = [cadastreMigration];
