import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../shared/accounts/roles.js';
import { decodeBlocks, derivedIds } from '../../shared/sync/columns.js';
import type { PushResponse, SnapshotResponse, SyncRecord } from '../../shared/sync/protocol.js';
import { makeDemand, makeElector } from '../electoral/test-fixtures.js';
import { withNotesDomain } from '../test-domain.js';
import { createTestHub, storeRecords, TEST_BACKENDS, type SeededCommune, type TestHub } from '../test-support.js';
import { resetCommuneSync } from './maintenance.js';
import { SnapshotPageCache } from './page-cache.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const derive = derivedIds(withNotesDomain().registry, sha);

describe('SnapshotPageCache', () => {
  const key = (n: number) =>
    SnapshotPageCache.keyOf({ communeId: 'c', collections: ['a'], epoch: 'e', lastSeq: n, asOf: n, after: null, limit: 10 });

  const page = (bytes: number) => ({ body: Buffer.alloc(bytes), asOf: 1, next: null });
  it('keeps pages within its byte bound, dropping the least recently served first', () => {
    const cache = new SnapshotPageCache(300);
    cache.set(key(1), page(100));
    cache.set(key(2), page(100));
    cache.set(key(3), page(100));
    expect(cache.get(key(1))?.body.length).toBe(100);
    cache.set(key(4), page(100));
    expect(cache.size).toBe(300);
    expect(cache.get(key(2))).toBeUndefined();
    expect([1, 3, 4].map((n) => cache.get(key(n))?.body.length)).toEqual([100, 100, 100]);
    // A page larger than the whole bound is not kept, and evicts nothing.
    cache.set(key(5), page(301));
    expect(cache.get(key(5))).toBeUndefined();
    expect(cache.size).toBe(300);
  });

  it('builds a page once: a second ask while it is being built waits for the same build', async () => {
    const cache = new SnapshotPageCache();
    let builds = 0;
    let finish!: () => void;
    const build = () => {
      builds++;
      return new Promise<ReturnType<typeof page>>((resolve) => {
        finish = () => resolve(page(10));
      });
    };
    const first = cache.page(key(1), build);
    const second = cache.page(key(1), build);
    finish();
    expect(await second).toBe(await first);
    expect(builds).toBe(1);
    expect(cache.hits).toBe(1);
    // A failed build is not kept: the next ask builds again.
    await expect(cache.page(key(2), () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect((await cache.page(key(2), async () => page(20))).body.length).toBe(20);
  });

  it('keys on the collections as a set, and on every other field', () => {
    const base = { communeId: 'c', collections: ['a', 'b'], epoch: 'e', lastSeq: 1, asOf: 1, after: null, limit: 10 };
    expect(SnapshotPageCache.keyOf({ ...base, collections: ['b', 'a'] })).toBe(SnapshotPageCache.keyOf(base));
    const others = [{ communeId: 'd' }, { collections: ['a'] }, { epoch: 'f' }, { lastSeq: 2 }, { asOf: 0 }, { after: 'x' }, { limit: 11 }];
    for (const o of others) expect(SnapshotPageCache.keyOf({ ...base, ...o }), JSON.stringify(o)).not.toBe(SnapshotPageCache.keyOf(base));
  });
});

describe.each(TEST_BACKENDS)('kept snapshot pages (%s)', (backend) => {
  let hub: TestHub;
  const pages = new SnapshotPageCache();
  let nextInsee = 10700;
  beforeAll(async () => {
    hub = await createTestHub(backend, { domains: withNotesDomain(), snapshotPages: pages });
  });
  afterAll(async () => hub?.close());

  const commune = async (electors: number): Promise<SeededCommune> => {
    const c = await hub.seedCommune({ insee: String(nextInsee++), services: ['electoral'] as Service[] });
    const rows = Array.from({ length: electors }, (_, n) => makeElector(n + 1, { birthName: `NOM-${c.insee}-${n}` }));
    await storeRecords(hub.db, c.communeId, 'electoral.electors', rows);
    return c;
  };
  const columns = async (token: string, query = 'format=columns&limit=3', gzip = true) => {
    const res = await hub.app.inject({
      method: 'GET',
      url: `/api/v1/sync/snapshot?${query}`,
      headers: { ...bearer(token), 'accept-encoding': gzip ? 'gzip' : 'identity' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-encoding']).toBe(gzip ? 'gzip' : undefined);
    const page = JSON.parse(gzip ? gunzipSync(res.rawPayload).toString('utf8') : res.body) as SnapshotResponse;
    return { raw: res.rawPayload, page, records: [...decodeBlocks(page.blocks ?? [], derive), ...page.records] };
  };
  // The hub starts reading the next page once the answer is sent (a setImmediate), then builds it.
  const readAheadDone = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    await pages.settled();
  };
  const ids = (records: SyncRecord[]) => records.map((r) => `${r.collection}/${r.id}`).sort();

  it('a second new PC of the commune gets the same page from memory', async () => {
    const c = await commune(5);
    const first = await columns(c.maireToken);
    await readAheadDone();
    const hits = pages.hits;
    const second = await columns(c.maireToken);
    expect(pages.hits).toBe(hits + 1);
    expect(second.raw.equals(first.raw)).toBe(true);
    const next = `format=columns&limit=3&asOf=${first.page.asOf}&after=${first.page.next}`;
    const rest = await columns(c.maireToken, next);
    expect((await columns(c.maireToken, next)).raw.equals(rest.raw)).toBe(true);
    expect(pages.hits).toBe(hits + 3);
    expect(ids([...first.records, ...rest.records])).toHaveLength(5);
    // A client that refuses gzip is answered plain JSON, built afresh.
    expect(ids((await columns(c.maireToken, 'format=columns&limit=3', false)).records)).toEqual(ids(first.records));
    expect(pages.hits).toBe(hits + 3);
  });

  it('the next page is built while the first travels, and is the page the PC would have got', async () => {
    const c = await commune(7);
    const first = await columns(c.maireToken);
    await readAheadDone();
    const hits = pages.hits;
    const next = `format=columns&limit=3&asOf=${first.page.asOf}&after=${first.page.next}`;
    const second = await columns(c.maireToken, next);
    expect(pages.hits).toBe(hits + 1);
    // The same records as a page built on the spot (plain JSON is never kept).
    const fresh = await columns(c.maireToken, next, false);
    expect(second.page).toEqual(fresh.page);
    // Page 3 was built behind page 2; the last page has none behind it.
    await readAheadDone();
    const third = await columns(c.maireToken, `format=columns&limit=3&asOf=${first.page.asOf}&after=${second.page.next}`);
    expect(pages.hits).toBe(hits + 2);
    expect(third.page.next).toBeNull();
    expect(ids([...first.records, ...second.records, ...third.records])).toHaveLength(7);

    // A write between two pages: the page read ahead is not served, the PC's ask is built against the new state.
    const again = await columns(c.maireToken);
    await readAheadDone();
    const changed = { ...makeElector(1), usageName: 'AILLEURS' };
    await storeRecords(hub.db, c.communeId, 'electoral.electors', [changed]);
    const before = pages.hits;
    await columns(c.maireToken, `format=columns&limit=3&asOf=${again.page.asOf}&after=${again.page.next}`);
    expect(pages.hits).toBe(before);
  });

  it('a write to the commune (push or import) or a new epoch: the page is built again', async () => {
    const c = await commune(2);
    const before = await columns(c.maireToken, 'format=columns');
    expect(before.records).toHaveLength(2);
    const demand = makeDemand();
    const push = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/sync/push',
      headers: bearer(c.secretaireToken),
      payload: {
        mutations: [
          { mutationId: 1, kind: 'upsert', collection: 'electoral.demands', recordId: demand.id, baseVersion: null, data: demand },
        ],
      },
    });
    expect(push.json<PushResponse>().results[0]?.status).toBe('applied');
    const hits = pages.hits;
    const after = await columns(c.maireToken, 'format=columns');
    expect(pages.hits).toBe(hits);
    expect(ids(after.records)).toEqual([...ids(before.records), `electoral.demands/${demand.id}`].sort());
    expect(after.page.asOf).toBeGreaterThan(before.page.asOf);

    // An import rewriting an elector, as a command writes it.
    const changed = { ...makeElector(1), usageName: 'AILLEURS' };
    await storeRecords(hub.db, c.communeId, 'electoral.electors', [changed]);
    const rewritten = await columns(c.maireToken, 'format=columns');
    expect(rewritten.records.find((r) => r.id === changed.id)?.data).toEqual(changed);

    const epoch = await resetCommuneSync(hub.db, c.communeId);
    const reset = await columns(c.maireToken, 'format=columns');
    expect(reset.page.epoch).toBe(epoch);
    expect(pages.hits).toBe(hits);
  });

  it('a kept page is never served to another commune, nor to a session without the read permission', async () => {
    const a = await commune(3);
    const b = await commune(3);
    const ofA = await columns(a.maireToken);
    expect(ofA.records.filter((r) => r.collection === 'electoral.electors')).toHaveLength(3);
    const hits = pages.hits;
    // Same query, same sequence numbers (both communes wrote 3 electors): still each commune's own records.
    const ofB = await columns(b.maireToken);
    expect(ofB.page.asOf).toBe(ofA.page.asOf);
    expect(ofB.page.epoch).not.toBe(ofA.page.epoch);
    const electorsOf = (records: SyncRecord[]) => records.filter((r) => r.collection === 'electoral.electors').map((r) => r.data);
    expect(electorsOf(ofB.records)).not.toEqual(electorsOf(ofA.records));
    // The consultation role does not hold electoral.read: no electors, whatever the mayor's PC left in memory.
    const consultation = await columns(a.consultationToken);
    expect(consultation.records.some((r) => r.collection === 'electoral.electors')).toBe(false);
    expect(pages.hits).toBe(hits);
  });
});
