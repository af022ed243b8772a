import type { AccountsTables } from '../accounts/tables.js';
import type { SyncTables } from '../sync/tables.js';
import type { ActsTables } from '../acts/tables.js';
import type { ConsoleTables } from '../console/tables.js';
import type { FilesTables } from '../files/tables.js';

/** Every table of the hub database. Each domain declares its own tables next to its code. */
export type HubDatabase = AccountsTables & SyncTables & ActsTables & ConsoleTables & FilesTables;
