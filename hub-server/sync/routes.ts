import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { HubDatabase } from '../db/schema.js';

/** Placeholder: the sync engineer owns this file and registers the sync routes here. */
export async function registerSyncRoutes(_app: FastifyInstance, _opts: { db: Kysely<HubDatabase> }): Promise<void> {}
