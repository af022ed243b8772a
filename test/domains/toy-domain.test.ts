import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createClientCore, type ClientCore } from '../../electron/core/client-core.js';
import { type ClientDomain, enforce } from '../../electron/core/client-domain.js';
import { jsonCollection } from '../../electron/core/json-collection.js';
import { CLIENT_DOMAINS } from '../../electron/domains.js';
import { createNodePlatform } from '../../electron/platform/node-platform.js';
import type { AnyHubDomain } from '../../hub-server/domain/hub-domain.js';
import { HUB_DOMAINS } from '../../hub-server/domains.js';
import { createTestHub, TEST_BACKENDS, TEST_PASSWORD, type SeededCommune, type TestHub } from '../../hub-server/test-support.js';
import { sessionInputs } from '../../shared/accounts/ipc.js';
import type { ChannelSpec } from '../../shared/api/channel.js';
import { createRegistry } from '../../shared/domain/registry.js';
import { collection, defineDomain, type WriteAttempt } from '../../shared/domain/spec.js';
import { DOMAINS } from '../../shared/domains.js';
import { syncInputs } from '../../shared/sync/ipc.js';

/**
 * « Add a domain » done for real: a toy domain declared once in shared form, with one entry in each
 * composition (shared registry, hub, PC) — the lines a new service adds to shared/domains.ts,
 * hub-server/domains.ts and electron/domains.ts — synced end to end between two PCs through a real hub
 * on loopback HTTP, on SQLite and on PostgreSQL, its write rule enforced by the hub against a crafted push.
 * (The renderer's composition is checked by renderer/src/nav/screens.test.ts for every route it lists.)
 */
const noteSchema = z.object({ id: z.string().uuid(), text: z.string().min(1).max(200), archived: z.boolean() });
type Note = z.infer<typeof noteSchema>;
const ARCHIVED_STAYS = 'Une note archivée le reste : écrivez-en une nouvelle.';

function checkNoteWrite({ before, after }: WriteAttempt<Note>) {
  if (before?.archived && after && !after.archived) return { code: 'conflict' as const, message: ARCHIVED_STAYS, detail: 'unarchive' };
  return null;
}

interface ToyChannels {
  'toy:add': ChannelSpec<{ text: string }, Note>;
  'toy:unarchive': ChannelSpec<{ id: string }, Note>;
  'toy:list': ChannelSpec<null, (Note & { version: number | null })[]>;
}

// shared/toy/domain.ts
const toyDomain = defineDomain<ToyChannels>()({
  id: 'toy',
  service: 'infos',
  permissions: {
    'toy.read': { label: 'Lire les notes', roles: ['maire', 'secretaire', 'consultation'] },
    'toy.write': { label: 'Écrire les notes', roles: ['maire', 'secretaire'] },
  },
  collections: {
    'toy.notes': collection<Note>({
      writer: 'client',
      read: 'toy.read',
      write: 'toy.write',
      schema: noteSchema,
      checkWrite: checkNoteWrite,
    }),
  },
  commands: {},
  channels: {
    'toy:add': z.object({ text: z.string().max(200) }),
    'toy:unarchive': z.object({ id: z.string().uuid() }),
    'toy:list': z.null(),
  },
  events: [],
});

// hub-server/toy/domain.ts: nothing of its own beyond the declaration (no routes, no commands).
const toyHub: AnyHubDomain = { spec: toyDomain, commands: {} };

// electron/toy/client-domain.ts: a table, two handlers, the synced collection.
const toyClient: ClientDomain = {
  spec: toyDomain,
  migrations: [
    { version: 1, name: 'notes', up: (db) => db.exec('CREATE TABLE toy_notes (id TEXT PRIMARY KEY, version INTEGER, data TEXT NOT NULL)') },
  ],
  create(ctx) {
    const put = ctx.db.prepare('INSERT OR REPLACE INTO toy_notes (id, version, data) VALUES (?, ?, ?)');
    const get = ctx.db.prepare<[string], { version: number | null; data: string }>('SELECT version, data FROM toy_notes WHERE id = ?');
    const write = (note: Note, baseVersion: number | null, summary: string) =>
      ctx.db.transaction(() => {
        put.run(note.id, baseVersion, JSON.stringify(note));
        ctx.outbox.enqueue({ kind: 'upsert', collection: 'toy.notes', recordId: note.id, baseVersion, data: note, summary });
      })();
    const handlers = {
      'toy:add': ({ text }: { text: string }) => {
        ctx.requirePermission('toy.write' as never);
        const note: Note = { id: randomUUID(), text, archived: true };
        write(note, null, 'Note (création)');
        ctx.requestSync();
        return note;
      },
      'toy:unarchive': ({ id }: { id: string }) => {
        const row = get.get(id)!;
        const before = noteSchema.parse(JSON.parse(row.data));
        const after = { ...before, archived: false };
        enforce(checkNoteWrite({ before, after, may: () => true })); // the PC's comfort check: the same rule
        write(after, row.version, 'Note (désarchivée)');
        return after;
      },
      'toy:list': () =>
        ctx.db
          .prepare<[], { version: number | null; data: string }>('SELECT version, data FROM toy_notes ORDER BY rowid')
          .all()
          .map((r) => ({ ...(JSON.parse(r.data) as Note), version: r.version })),
    };
    const notes = jsonCollection<Note>(ctx.db, ctx.log, {
      name: 'toy.notes',
      schema: noteSchema,
      table: 'toy_notes',
      idOf: (n) => n.id,
      write: (n, id, version) => void put.run(id, version, JSON.stringify(n)),
    });
    return { handlers: handlers as never, collections: [notes] };
  },
};

// The one line per composition root.
const registry = createRegistry([...DOMAINS, toyDomain], { ...sessionInputs, ...syncInputs });
const hubDomains = { list: [...HUB_DOMAINS, toyHub], registry };
const clientComposition = { domains: [...CLIENT_DOMAINS, toyClient], registry };

describe.each(TEST_BACKENDS)('a toy domain added with one line per composition root (%s)', (backend) => {
  let hub: TestHub;
  let hubUrl: string;
  let commune: SeededCommune;
  const dirs: string[] = [];
  const cores: ClientCore[] = [];

  async function pc(username: string): Promise<ClientCore> {
    const dir = mkdtempSync(join(tmpdir(), 'guichet-toy-'));
    dirs.push(dir);
    const platform = createNodePlatform({ dataDir: dir, deviceName: `PC ${username}`, logLevel: 'silent' });
    const core = await createClientCore({
      platform,
      backgroundSync: false,
      composition: clientComposition,
      sync: { debounceMs: 3_600_000 },
    });
    cores.push(core);
    const login = await core.invoke('session:login', {
      hubUrl,
      insee: commune.insee,
      username,
      password: TEST_PASSWORD,
      deviceName: `PC ${username}`,
    });
    expect(login.ok).toBe(true);
    return core;
  }
  const value = async <T>(p: Promise<{ ok: boolean; value?: unknown; error?: unknown }>) => {
    const env = await p;
    if (!env.ok) throw new Error(JSON.stringify(env.error));
    return env.value as T;
  };

  beforeAll(async () => {
    hub = await createTestHub(backend, { domains: hubDomains });
    hubUrl = await hub.listen();
    commune = await hub.seedCommune({ insee: '10387', services: ['infos'] });
  });
  afterAll(async () => {
    for (const c of cores) await c.close();
    await hub.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('a note written on one PC reaches another PC of the commune through the hub', async () => {
    const a = await pc('secretaire');
    const b = await pc('maire');
    const note = await value<Note>(a.invoke('toy:add' as never, { text: 'Réunion du conseil jeudi' }));
    await value(a.invoke('sync:now', null));
    await value(b.invoke('sync:now', null));
    const seen = await value<(Note & { version: number })[]>(b.invoke('toy:list' as never, null));
    expect(seen).toEqual([{ ...note, version: expect.any(Number) }]);
  });

  it('the PC and the hub refuse what the toy rule forbids with the same French sentence', async () => {
    const b = cores[1]!;
    const [note] = await value<(Note & { version: number })[]>(b.invoke('toy:list' as never, null));
    const onPc = await b.invoke('toy:unarchive' as never, { id: note!.id });
    expect(onPc).toMatchObject({ ok: false, error: { code: 'conflict', message: ARCHIVED_STAYS } });

    // A crafted push straight to the hub (what the PC would never send) gets the same refusal.
    const res = await fetch(`${hubUrl}/api/v1/sync/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${commune.maireToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        mutations: [
          {
            mutationId: 1,
            kind: 'upsert',
            collection: 'toy.notes',
            recordId: note!.id,
            baseVersion: note!.version,
            data: { ...note, version: undefined, archived: false },
          },
        ],
      }),
    });
    const body = (await res.json()) as { results: { status: string; reason?: { code: string; message: string } }[] };
    expect(body.results[0]).toMatchObject({ status: 'rejected', reason: { code: 'conflict', message: ARCHIVED_STAYS } });
  });

  it('a commune that has not opened the service neither receives nor writes the toy collection', async () => {
    const other = await hub.seedCommune({ insee: '10033', services: ['electoral'] });
    const pull = await fetch(`${hubUrl}/api/v1/sync/pull?cursor=0`, { headers: { authorization: `Bearer ${other.maireToken}` } });
    const changes = ((await pull.json()) as { changes: { collection: string }[] }).changes;
    expect(changes.filter((c) => c.collection === 'toy.notes')).toEqual([]);
    const push = await fetch(`${hubUrl}/api/v1/sync/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${other.maireToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        mutations: [{ mutationId: 1, kind: 'upsert', collection: 'toy.notes', recordId: randomUUID(), baseVersion: null, data: {} }],
      }),
    });
    const result = ((await push.json()) as { results: { status: string; reason?: { code: string } }[] }).results[0];
    expect(result).toMatchObject({ status: 'rejected', reason: { code: 'service_not_enabled' } });
  });
});
