import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sessionInputs } from '../../shared/accounts/ipc.js';
import type { Envelope } from '../../shared/api/ipc.js';
import { createRegistry } from '../../shared/domain/registry.js';
import { collection, defineDomain } from '../../shared/domain/spec.js';
import { syncInputs } from '../../shared/sync/ipc.js';
import type { CollectionName } from '../../shared/sync/protocol.js';
import { schemaVersionsOf } from '../db/migrations/runner.js';
import { CLIENT_DOMAINS } from '../domains.js';
import { createNodePlatform } from '../platform/node-platform.js';
import { createClientCore } from './client-core.js';
import type { ClientDomain } from './client-domain.js';
import { jsonCollection } from './json-collection.js';

/**
 * A new domain on the PC is one entry in the composition: its shared declaration, its
 * migrations and its handlers. The client core, the migrations runner and the dispatcher
 * take it with no other edit (the hub and the renderer have their own roots).
 */
const noteSchema = z.object({ id: z.string().max(40), text: z.string().max(200) });
type ToyChannels = { 'toy:count': { input: null; output: number } };
const toySpec = defineDomain<ToyChannels>()({
  id: 'toy',
  service: 'infos',
  permissions: { 'toy.read': { label: 'Lire les notes', roles: ['maire'] } },
  collections: { 'toy.notes': collection({ writer: 'hub', read: 'toy.read', schema: noteSchema }) },
  commands: {},
  channels: { 'toy:count': z.null() },
  events: [],
});
const toyClient: ClientDomain = {
  spec: toySpec,
  migrations: [
    { version: 1, name: 'notes', up: (db) => db.exec('CREATE TABLE toy_notes (id TEXT PRIMARY KEY, version INTEGER, data TEXT)') },
  ],
  create: (ctx) => {
    const notes = jsonCollection(ctx.db, ctx.log, {
      name: 'toy.notes' as CollectionName,
      schema: noteSchema,
      table: 'toy_notes',
      idOf: (n) => n.id,
      write: (n, id, version) =>
        void ctx.db.prepare('INSERT OR REPLACE INTO toy_notes VALUES (?, ?, ?)').run(id, version, JSON.stringify(n)),
    });
    return { handlers: { 'toy:count': () => notes.count() }, collections: [notes] };
  },
};

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('a toy domain added to the client composition', () => {
  it('gets its migrations run and its channel dispatched, validated by the registry', async () => {
    const domains = [...CLIENT_DOMAINS, toyClient];
    const registry = createRegistry(
      domains.map((d) => d.spec),
      { ...sessionInputs, ...syncInputs },
    );
    const dir = mkdtempSync(join(tmpdir(), 'guichet-toy-'));
    dirs.push(dir);
    const core = await createClientCore({
      platform: createNodePlatform({ dataDir: dir, logLevel: 'silent' }),
      backgroundSync: false,
      composition: { domains, registry },
    });
    try {
      expect(schemaVersionsOf(core.db)).toMatchObject({ core: expect.any(Number), toy: 1 });
      // Not logged in: the toy channel exists (validated), the core asks for a session like for any domain.
      const before = (await core.invoke('toy:count', null)) as Envelope<number>;
      expect(before).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
      const bad = (await core.invoke('toy:count', { nope: 1 })) as Envelope<number>;
      expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    } finally {
      await core.close();
    }
  });
});
