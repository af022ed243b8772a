import { gzipSync } from 'node:zlib';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Elector } from '../../shared/electoral/types.js';
import type { PullResponse, PushResponse, PushResult, SyncRecord } from '../../shared/sync/protocol.js';
import { insertCollectivite, insertUser, openSession } from '../accounts/store.js';
import { buildHub } from '../app.js';
import { createHubLogger } from '../log.js';
import { createTestHub, openTestDb, storeSyntheticPieces, TEST_BACKENDS, type SeededCommune, type TestHub } from '../test-support.js';
import { makeDemand, makeElector, makeImportRecord } from './test-fixtures.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const importMutation = (mutationId: number, electors: Elector[]) => ({
  mutationId,
  kind: 'command' as const,
  name: 'electoral.import',
  payload: { import: makeImportRecord(electors.length), electors },
});

describe.each(TEST_BACKENDS)('electoral import command (%s)', (backend) => {
  let hub: TestHub;
  let nextInsee = 10200;
  beforeAll(async () => {
    hub = await createTestHub(backend);
  });
  afterAll(async () => hub?.close());

  const commune = (): Promise<SeededCommune> => hub.seedCommune({ insee: String(nextInsee++), services: ['electoral'] });
  const push = async (token: string, mutations: unknown[]) => {
    const res = await hub.app.inject({ method: 'POST', url: '/api/v1/sync/push', headers: bearer(token), payload: { mutations } });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    return res.json<PushResponse>().results;
  };
  const pullAll = async (token: string, cursor = 0) => {
    const changes: SyncRecord[] = [];
    for (;;) {
      const res = await hub.app.inject({
        method: 'GET',
        url: '/api/v1/sync/pull',
        headers: bearer(token),
        query: { cursor: String(cursor), limit: '5000' },
      });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      const p = res.json<PullResponse>();
      changes.push(...p.changes);
      cursor = p.cursor;
      if (!p.hasMore) return { changes, cursor };
    }
  };
  const status = (r: PushResult) => (r.status === 'rejected' ? r.reason.code : r.status);

  it('lays down the extract, then applies only the differences of the next one; re-importing writes no elector', async () => {
    const c = await commune();
    const first = [1, 2, 3].map((n) => makeElector(n));
    const [r1] = await push(c.secretaireToken, [importMutation(1, first)]);
    expect(status(r1)).toBe('applied');
    const all = await pullAll(c.maireToken);
    expect(all.changes.filter((x) => x.collection === 'electoral.electors').map((x) => x.data)).toEqual(first);
    expect(all.changes.filter((x) => x.collection === 'electoral.imports')).toHaveLength(1);
    expect(r1.status === 'applied' && r1.versions).toEqual([
      { collection: 'electoral.imports', id: expect.any(String), version: all.cursor },
    ]);

    // Same file again (same SHA-256, list unchanged): no second, empty import record. The re-importing PC
    // keeps a local copy of the record it queued: a tombstone of that id tells it to drop it.
    const again = importMutation(2, first);
    const [r2] = await push(c.secretaireToken, [again]);
    expect(status(r2)).toBe('applied');
    const same = await pullAll(c.maireToken, all.cursor);
    expect(same.changes.map((x) => [x.collection, x.id, x.deleted])).toEqual([['electoral.imports', again.payload.import.id, true]]);
    const liveImports = (await pullAll(c.maireToken)).changes.filter((x) => x.collection === 'electoral.imports' && !x.deleted);
    expect(liveImports.map((x) => x.id)).toEqual([all.changes.find((x) => x.collection === 'electoral.imports')!.id]);

    // Elector 1 moved bureau, 2 left, 4 arrived, 3 unchanged.
    const moved = { ...first[0], bureau: { code: '9', label: 'Salle des fêtes' } };
    const second = [moved, first[2], makeElector(4)];
    expect(status((await push(c.maireToken, [importMutation(1, second)]))[0])).toBe('applied');
    const diff = await pullAll(c.maireToken, same.cursor);
    const electors = diff.changes.filter((x) => x.collection === 'electoral.electors');
    expect(electors.map((x) => [x.id, x.deleted])).toEqual(
      expect.arrayContaining([
        [moved.id, false],
        [second[2].id, false],
        [first[1].id, true],
      ]),
    );
    expect(electors).toHaveLength(3);
    expect(electors.find((x) => x.id === moved.id)?.data).toEqual(moved);
    expect(electors.find((x) => x.id === first[1].id)?.data).toBeNull();
  });

  it('applies the same import mutation once, however often it is retried', async () => {
    const c = await commune();
    const m = importMutation(5, [makeElector(1), makeElector(2)]);
    const [a] = await push(c.secretaireToken, [m]);
    const after = await pullAll(c.maireToken);
    const [b] = await push(c.secretaireToken, [m]);
    expect(b).toEqual(a);
    expect((await pullAll(c.maireToken, after.cursor)).changes).toEqual([]);
  });

  it('refuses an invalid extract, duplicates or an empty list, and writes nothing', async () => {
    const c = await commune();
    const bad = { ...makeElector(2), birthDate: '12/03/1950' };
    const results = await push(c.secretaireToken, [
      importMutation(1, [makeElector(1), bad as Elector]),
      importMutation(2, [makeElector(1), makeElector(1)]),
      importMutation(3, []),
    ]);
    expect(results.map(status)).toEqual(['invalid_input', 'import_rejected', 'import_rejected']);
    expect(results[0].status === 'rejected' && results[0].reason.detail).toContain('electors.1.birthDate');
    expect(JSON.stringify(results)).not.toContain('NOM1');
    expect((await pullAll(c.maireToken)).changes).toEqual([]);
  });

  it('needs the electoral.import permission', async () => {
    const c = await commune();
    // The consultation role may write nothing: its push is refused as a whole, before the body is read.
    const res = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/sync/push',
      headers: bearer(c.consultationToken),
      payload: { mutations: [importMutation(1, [makeElector(1)])] },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('forbidden');
  });

  // The département's largest commune lists ~100 000 electors; on PostgreSQL a smaller list keeps
  // the shared test machine responsive while still spanning several write chunks.
  const size = backend === 'sqlite' ? 100_000 : 25_000;
  it(`imports ${size} electors in a few seconds, then a re-import with a few changes`, { timeout: 120_000 }, async () => {
    const c = await commune();
    const electors = Array.from({ length: size }, (_, i) => makeElector(i + 1));
    const body = gzipSync(JSON.stringify({ mutations: [importMutation(1, electors)] }));
    const t0 = performance.now();
    const res = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/sync/push',
      headers: { ...bearer(c.secretaireToken), 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: body,
    });
    const firstMs = performance.now() - t0;
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(status(res.json<PushResponse>().results[0])).toBe('applied');

    electors[10] = { ...electors[10], address: { ...electors[10].address, street: 'PLACE DE LA MAIRIE' } };
    electors.pop();
    const t1 = performance.now();
    const [r] = await push(c.secretaireToken, [importMutation(2, electors)]);
    const secondMs = performance.now() - t1;
    expect(status(r)).toBe('applied');
    const count = await hub.db
      .selectFrom('sync_records')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('commune_id', '=', c.communeId)
      .where('collection', '=', 'electoral.electors')
      .where('deleted', '=', 0)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(size - 1);
    const rows = await hub.db
      .selectFrom('sync_records')
      .select('version')
      .where('commune_id', '=', c.communeId)
      .orderBy('version', 'desc')
      .limit(4)
      .execute();
    // First import: the electors then its record (size + 1); re-import: the changed elector, the tombstone, the record.
    expect(rows.map((x) => Number(x.version))).toEqual([size + 4, size + 3, size + 2, size + 1]);
    console.info(`[${backend}] import ${size}: ${Math.round(firstMs)} ms, re-import: ${Math.round(secondMs)} ms`);
    // ~3 s for 100 000 on a quiet 2-core machine; the bound leaves room for a busy CI box and still
    // catches a per-row statement or a quadratic diff (minutes).
    expect(firstMs).toBeLessThan(30_000);
  });
});

describe('sync logs', () => {
  it('carry counts and ids, never elector or demand contents', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const opened = await openTestDb('sqlite');
    const app = await buildHub({ db: opened.db, log: createHubLogger({ level: 'debug', destination }) });
    try {
      const commune = await insertCollectivite(opened.db, {
        kind: 'commune',
        insee: '10999',
        siren: '200000000',
        name: 'Test',
        arrondissement: null,
        members: [],
        services: ['electoral'],
      });
      const user = await insertUser(opened.db, {
        communeId: commune.id,
        username: 'secretaire',
        displayName: 'S',
        role: 'secretaire',
        passwordHash: 'x',
      });
      const { token } = await openSession(opened.db, { communeId: commune.id, userId: user.id, deviceName: 'PC' });
      await storeSyntheticPieces(opened.db, commune.id);
      const demand = makeDemand({
        applicant: { birthName: 'ZORGLUBIENNE', usageName: null, firstNames: 'Anatolie', birthDate: '1931-04-05' },
      });
      const payload = {
        mutations: [
          importMutation(1, [makeElector(1, { birthName: 'QUASIMODIERE' })]),
          { mutationId: 2, kind: 'upsert', collection: 'electoral.demands', recordId: demand.id, baseVersion: null, data: demand },
          {
            mutationId: 3,
            kind: 'upsert',
            collection: 'electoral.demands',
            recordId: 'x',
            baseVersion: null,
            data: { ...demand, id: 'x', applicant: { ...demand.applicant, birthDate: 'ZORGLUB' } },
          },
        ],
      };
      const res = await app.inject({ method: 'POST', url: '/api/v1/sync/push', headers: bearer(token), payload });
      expect(res.json<PushResponse>().results.map((r) => r.status)).toEqual(['applied', 'applied', 'rejected']);
      await app.inject({ method: 'GET', url: '/api/v1/sync/pull', headers: bearer(token) });
      const log = lines.join('');
      expect(log).toContain('"msg":"sync push"');
      expect(log).toContain('"applied":2');
      for (const secret of ['ZORGLUB', 'Anatolie', '1931-04-05', 'QUASIMODIERE', 'RUE DE LA REPUBLIQUE']) expect(log).not.toContain(secret);
    } finally {
      await app.close();
      await opened.dispose();
    }
  });
});
