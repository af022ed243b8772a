import type { ClientMigration } from '../../db/migrations/types.js';
import { electoralMigration } from './001-electoral.js';
import { justificatifsMigration } from './002-justificatifs.js';
import { registersMigration } from './003-registers.js';
import { justificatifUploadsMigration } from './004-justificatif-uploads.js';
import { streetsMigration } from './005-streets.js';

/** The electoral domain's local schema, in order. Append only: never renumber or edit a shipped one. */
export const ELECTORAL_MIGRATIONS: readonly ClientMigration[] = [
  electoralMigration,
  justificatifsMigration,
  registersMigration,
  justificatifUploadsMigration,
  streetsMigration,
];
