export { openHubDb, migrateHubDb, isPostgresUrl, schemaOf, type OpenHubDbOptions } from './open.js';
export { dialectOf, isPostgres, nowIso, toCount, type HubDialect } from './dialect.js';
export type { HubDatabase } from './schema.js';
