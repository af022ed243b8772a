import { storeCompleteFile } from './files/store.js';
import { syntheticPieceBytes } from '../shared/electoral/synthetic-demand.js';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import pg from 'pg';
import type { CommuneRole, Service } from '../shared/accounts/roles.js';
import { lookupOfficialCommune } from './accounts/admin.js';
import { hashPassword, type ScryptParams } from './accounts/passwords.js';
import type { LoginRateLimit } from './accounts/routes.js';
import { insertCollectivite, insertUser, openSession } from './accounts/store.js';
import { buildHub, type BuildHubOptions } from './app.js';
import { TEST_PG_URL } from './db/test-backends.js';
import { openHubDb, type OpenHubDbOptions } from './db/open.js';
import type { HubDatabase } from './db/schema.js';
import { createHubLogger } from './log.js';
import { lockCommune, writeRecords } from './sync/store.js';

export { TEST_BACKENDS, TEST_PG_URL } from './db/test-backends.js';

/** Password of every account seeded by `seedCommune` (usernames: maire, secretaire, consultation). */
export const TEST_PASSWORD = 'motdepasse-de-test';
// Seeded accounts use a cheaper scrypt cost (the stored hash says which), so suites stay fast on shared CPUs.
const TEST_SCRYPT: ScryptParams = { N: 2 ** 12, r: 8, p: 1 };

export interface SeededCommune {
  communeId: string;
  insee: string;
  maireToken: string;
  maireDeviceId: string;
  maireUserId: string;
  secretaireToken: string;
  secretaireDeviceId: string;
  secretaireUserId: string;
  consultationToken: string;
  consultationDeviceId: string;
  consultationUserId: string;
}

/** A grouping (EPCI or syndicat) seeded like a commune: it has no INSEE code, its SIREN and members instead. */
export type SeededGrouping = Omit<SeededCommune, 'insee'> & { siren: string; members: string[] };

export interface TestHub {
  app: FastifyInstance;
  db: Kysely<HubDatabase>;
  backend: 'sqlite' | 'postgres';
  /** SQLite file (sqlite backend) — reopen a hub on it with `createTestHub('sqlite', { file })`. */
  file?: string;
  /** Throwaway PostgreSQL schema (postgres backend), dropped by close(). */
  schema?: string;
  /** Listen on 127.0.0.1 (port 0) and answer the base URL, e.g. `http://127.0.0.1:41234`. */
  listen(): Promise<string>;
  seedCommune(input: { insee: string; services: Service[]; name?: string }): Promise<SeededCommune>;
  /** Writes the row as given (services unchecked), as a hand-edited database could hold it. */
  seedGrouping(input: {
    kind: 'epci' | 'syndicat';
    siren: string;
    members: string[];
    services: Service[];
    name?: string;
  }): Promise<SeededGrouping>;
  close(): Promise<void>;
}

export interface TestHubOptions {
  /** SQLite file to open (kept on close); default a fresh temp file removed on close. */
  file?: string;
  /** PostgreSQL schema to open (kept on close: another hub instance may share it); default a throwaway one dropped on close. */
  schema?: string;
  rateLimit?: LoginRateLimit;
  updatesDir?: string;
  files?: import('./files/maintenance.js').FilesOptions;
  /** Domains of the hub (default: hub-server/domains.ts), e.g. with a test-only domain. */
  domains?: BuildHubOptions['domains'];
  /** Called with the SQL of every statement the hub's database runs (begin and commit included). */
  onStatement?: (sql: string) => void;
  snapshotPages?: BuildHubOptions['snapshotPages'];
}

/** Open a throwaway PostgreSQL schema; the returned drop() removes it with everything in it. */
export async function createTestSchema(): Promise<{ schema: string; drop(): Promise<void> }> {
  const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA "${schema}"`);
  } finally {
    await client.end();
  }
  return {
    schema,
    async drop() {
      const c = new pg.Client({ connectionString: TEST_PG_URL });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A migrated hub database on the given backend, and how to dispose of it. */
export async function openTestDb(
  backend: 'sqlite' | 'postgres',
  file?: string,
  schema?: string,
  onStatement?: (sql: string) => void,
): Promise<{ db: Kysely<HubDatabase>; file?: string; schema?: string; dispose(): Promise<void> }> {
  const log: OpenHubDbOptions['log'] = onStatement
    ? (event) => {
        if (event.level === 'query') onStatement(event.query.sql);
      }
    : undefined;
  if (backend === 'postgres' && schema !== undefined) {
    const db = await openHubDb({ url: TEST_PG_URL, schema, log });
    return { db, schema, dispose: () => db.destroy() };
  }
  if (backend === 'postgres') {
    const s = await createTestSchema();
    const db = await openHubDb({ url: TEST_PG_URL, schema: s.schema, log });
    return {
      db,
      schema: s.schema,
      dispose: async () => {
        await db.destroy();
        await s.drop();
      },
    };
  }
  const dir = file ? null : mkdtempSync(join(tmpdir(), 'guichet-hub-'));
  const path = file ?? join(dir!, 'hub.sqlite');
  const db = await openHubDb({ file: path, log });
  return {
    db,
    file: path,
    dispose: async () => {
      await db.destroy();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Seed a user with a session on a fresh device; answers the bearer token. */
async function seedUser(db: Kysely<HubDatabase>, communeId: string, role: CommuneRole) {
  const user = await insertUser(db, {
    communeId,
    username: role,
    displayName: `Compte ${role}`,
    role,
    passwordHash: await hashPassword(TEST_PASSWORD, TEST_SCRYPT),
  });
  const session = await openSession(db, { communeId, userId: user.id, deviceName: `PC ${role}` });
  return { userId: user.id, token: session.token, deviceId: session.device.id };
}

/** The three accounts of a seeded collectivité, each logged in on its own device. */
async function seedAccounts(db: Kysely<HubDatabase>, communeId: string): Promise<Omit<SeededCommune, 'insee'>> {
  const maire = await seedUser(db, communeId, 'maire');
  const secretaire = await seedUser(db, communeId, 'secretaire');
  const consultation = await seedUser(db, communeId, 'consultation');
  return {
    communeId,
    maireToken: maire.token,
    maireDeviceId: maire.deviceId,
    maireUserId: maire.userId,
    secretaireToken: secretaire.token,
    secretaireDeviceId: secretaire.deviceId,
    secretaireUserId: secretaire.userId,
    consultationToken: consultation.token,
    consultationDeviceId: consultation.deviceId,
    consultationUserId: consultation.userId,
  };
}

/** A real hub (real database, real fastify) for tests; `app.inject()` or `listen()` for real HTTP. */
export async function createTestHub(backend: 'sqlite' | 'postgres', opts: TestHubOptions = {}): Promise<TestHub> {
  const opened = await openTestDb(backend, opts.file, opts.schema, opts.onStatement);
  const log = createHubLogger({ level: process.env.GUICHET_TEST_LOG ?? 'silent' });
  const app = await buildHub({
    db: opened.db,
    log,
    rateLimit: opts.rateLimit,
    updatesDir: opts.updatesDir,
    files: opts.files,
    domains: opts.domains,
    snapshotPages: opts.snapshotPages,
  });
  let closed = false;
  return {
    app,
    db: opened.db,
    backend,
    file: opened.file,
    schema: opened.schema,
    async listen() {
      return app.listen({ port: 0, host: '127.0.0.1' });
    },
    async seedCommune({ insee, services, name }) {
      const official = lookupOfficialCommune(insee);
      const commune = await insertCollectivite(opened.db, {
        kind: 'commune',
        insee,
        siren: official?.siren ?? `2${insee.replace(/\D/g, '0').padStart(8, '0')}`,
        name: name ?? official?.name ?? `Commune ${insee}`,
        arrondissement: official?.arrondissement ?? null,
        members: [],
        services,
      });
      if (services.includes('electoral')) await storeSyntheticPieces(opened.db, commune.id);
      return { insee, ...(await seedAccounts(opened.db, commune.id)) };
    },
    async seedGrouping({ kind, siren, members, services, name }) {
      const grouping = await insertCollectivite(opened.db, {
        kind,
        insee: null,
        siren,
        name: name ?? `Groupement ${siren}`,
        arrondissement: null,
        members,
        services,
      });
      return { siren, members, ...(await seedAccounts(opened.db, grouping.id)) };
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await opened.dispose();
    },
  };
}

/** The pieces the synthetic demands name (shared/electoral/synthetic-demand.ts): a push of one must find them on the hub. */
export async function storeSyntheticPieces(db: Kysely<HubDatabase>, communeId: string): Promise<void> {
  for (const piece of ['identite', 'attache'] as const) await storeCompleteFile(db, communeId, 'electoral', syntheticPieceBytes(piece));
}

/** Records written straight into a commune's store, under the commune's lock, as a command or an import writes them. */
export async function storeRecords(
  db: Kysely<HubDatabase>,
  communeId: string,
  collection: string,
  records: { id: string }[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockCommune(trx, communeId);
    await writeRecords(
      trx,
      communeId,
      collection,
      records.map((r) => ({ id: r.id, json: JSON.stringify(r) })),
    );
  });
}
