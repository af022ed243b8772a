import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electorBaseId } from '../../shared/electoral/elector-id.js';
import { decodeBlocks, derivedIds } from '../../shared/sync/columns.js';
import type { Service } from '../../shared/accounts/roles.js';
import type { Mutation, PullResponse, PushResponse, PushResult, SnapshotResponse, SyncRecord } from '../../shared/sync/protocol.js';
import { demandUpsert, makeDemand, makeElector } from '../electoral/test-fixtures.js';
import { type Note, withNotesDomain } from '../test-domain.js';
import { createTestHub, storeRecords, TEST_BACKENDS, type SeededCommune, type TestHub } from '../test-support.js';
import { purgeTombstones, resetCommuneSync } from './maintenance.js';
import { lockCommune, writeRecords } from './store.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe.each(TEST_BACKENDS)('hub sync (%s)', (backend) => {
  let hub: TestHub;
  let nextInsee = 10100;
  beforeAll(async () => {
    // The real domains plus a test-only one whose records may be deleted (a demand never is).
    hub = await createTestHub(backend, { domains: withNotesDomain() });
  });
  afterAll(async () => hub?.close());

  const commune = (services: Service[] = ['electoral']): Promise<SeededCommune> =>
    hub.seedCommune({ insee: String(nextInsee++), services });
  const push = async (token: string, mutations: unknown[]) => {
    const res = await hub.app.inject({ method: 'POST', url: '/api/v1/sync/push', headers: bearer(token), payload: { mutations } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<PushResponse>().results;
  };
  const pullRaw = (token: string, query: Record<string, string | number> = {}) =>
    hub.app.inject({
      method: 'GET',
      url: '/api/v1/sync/pull',
      headers: bearer(token),
      query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])),
    });
  const pull = async (token: string, query: Record<string, string | number> = {}) => {
    const res = await pullRaw(token, query);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<PullResponse>();
  };
  const snapshot = async (token: string, query: Record<string, string | number> = {}) => {
    const res = await hub.app.inject({
      method: 'GET',
      url: '/api/v1/sync/snapshot',
      headers: bearer(token),
      query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])),
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<SnapshotResponse>();
  };
  let noteCount = 0;
  const makeNote = (): Note => ({ id: `note-${++noteCount}-${Math.random().toString(36).slice(2)}`, text: `note ${noteCount}` });
  const createNote = (mutationId: number, data: Note): Mutation => ({
    mutationId,
    kind: 'upsert',
    collection: 'notes.notes',
    recordId: data.id,
    baseVersion: null,
    data,
  });
  const create = demandUpsert;
  const applied = (r: PushResult) => {
    expect(r.status, JSON.stringify(r)).toBe('applied');
    return (r as Extract<PushResult, { status: 'applied' }>).versions;
  };
  const rejected = (r: PushResult) => {
    expect(r.status).toBe('rejected');
    return r as Extract<PushResult, { status: 'rejected' }>;
  };

  it('round trip: a demand pushed from one PC reaches another by pull, then the cursor is up to date', async () => {
    const c = await commune();
    const demand = makeDemand();
    const [r] = await push(c.secretaireToken, [create(1, demand)]);
    const [written] = applied(r);
    expect(written).toMatchObject({ collection: 'electoral.demands', id: demand.id });

    const first = await pull(c.maireToken);
    expect(first.changes).toEqual([
      { collection: 'electoral.demands', id: demand.id, version: written.version, deleted: false, data: demand },
    ]);
    expect(first.cursor).toBe(written.version);
    expect(first.hasMore).toBe(false);
    const again = await pull(c.maireToken, { epoch: first.epoch, cursor: first.cursor });
    expect(again.changes).toEqual([]);
    expect(again.cursor).toBe(first.cursor);
  });

  it('a retried push answers the stored result and writes nothing again', async () => {
    const c = await commune();
    const demand = makeDemand();
    const first = await push(c.secretaireToken, [create(7, demand)]);
    const before = await pull(c.maireToken);
    const retry = await push(c.secretaireToken, [create(7, { ...demand, comment: 'changé entre-temps' })]);
    expect(retry).toEqual(first);
    const after = await pull(c.maireToken);
    expect(after.cursor).toBe(before.cursor);
    expect(after.changes).toEqual(before.changes);
    // Another device may use the same mutation id: ids are per device.
    const other = await push(c.maireToken, [{ ...create(7, makeDemand()) }]);
    applied(other[0]);
  });

  it('refuses a change based on an old version, with the current record and a French explanation', async () => {
    const c = await commune();
    const demand = makeDemand();
    const [v1] = applied((await push(c.secretaireToken, [create(1, demand)]))[0]);
    const updated = { ...demand, status: 'instruction' as const };
    const [v2] = applied(
      (
        await push(c.maireToken, [
          { mutationId: 1, kind: 'upsert', collection: 'electoral.demands', recordId: demand.id, baseVersion: v1.version, data: updated },
        ])
      )[0],
    );
    expect(v2.version).toBeGreaterThan(v1.version);

    const stale = rejected(
      (
        await push(c.secretaireToken, [
          {
            mutationId: 2,
            kind: 'upsert',
            collection: 'electoral.demands',
            recordId: demand.id,
            baseVersion: v1.version,
            data: { ...demand, status: 'refusee' },
          },
        ])
      )[0],
    );
    expect(stale.reason.code).toBe('stale_version');
    expect(stale.reason.message).toBe(
      'Cette demande a été modifiée sur un autre poste entre-temps : rouvrez-la pour voir la version à jour.',
    );
    expect(stale.current).toEqual({ collection: 'electoral.demands', id: demand.id, version: v2.version, deleted: false, data: updated });
    const staleDelete = rejected(
      (
        await push(c.secretaireToken, [
          { mutationId: 3, kind: 'delete', collection: 'electoral.demands', recordId: demand.id, baseVersion: v1.version },
        ])
      )[0],
    );
    expect(staleDelete.reason.code).toBe('stale_version');
    // The retry of a rejected mutation gets the same rejection, even though it would now be... still stale.
    expect(
      (
        await push(c.secretaireToken, [
          { mutationId: 2, kind: 'upsert', collection: 'electoral.demands', recordId: demand.id, baseVersion: v2.version, data: demand },
        ])
      )[0],
    ).toEqual(stale);
    expect((await pull(c.maireToken)).changes.map((x) => x.data)).toEqual([updated]);
  });

  it('refuses to create a record that already exists, answering the existing one', async () => {
    const c = await commune();
    const demand = makeDemand();
    applied((await push(c.secretaireToken, [create(1, demand)]))[0]);
    const conflict = rejected((await push(c.maireToken, [create(1, { ...demand, comment: 'doublon' })]))[0]);
    expect(conflict.reason.code).toBe('conflict');
    expect(conflict.current).toMatchObject({ id: demand.id, deleted: false, data: demand });
  });

  it('validates pushed data, refuses hub-written collections and unknown commands, and keeps going with the rest of the batch', async () => {
    const c = await commune();
    const good = makeDemand();
    const results = await push(c.secretaireToken, [
      create(1, { ...makeDemand(), applicant: { birthName: '', usageName: null, firstNames: 'X', birthDate: '1990-01-01' } }),
      { mutationId: 2, kind: 'upsert', collection: 'electoral.demands', recordId: 'autre-id', baseVersion: null, data: makeDemand() },
      { mutationId: 3, kind: 'upsert', collection: 'electoral.electors', recordId: 'E1', baseVersion: null, data: {} },
      { mutationId: 4, kind: 'command', name: 'electoral.nope', payload: {} },
      create(5, good),
    ]);
    expect(results.map((r) => (r.status === 'rejected' ? r.reason.code : r.status))).toEqual([
      'invalid_input',
      'invalid_input',
      'forbidden',
      'bad_request',
      'applied',
    ]);
    expect(rejected(results[0]).reason.detail).toContain('applicant.birthName');
    expect((await pull(c.maireToken)).changes.map((x) => x.id)).toEqual([good.id]);
  });

  it('refuses pushes for a service the commune has not enabled and sends nothing of it', async () => {
    const c = await commune(['acts']);
    const r = rejected((await push(c.maireToken, [create(1, makeDemand())]))[0]);
    expect(r.reason.code).toBe('service_not_enabled');
    expect(r.reason.message).toMatch(/Listes électorales/);
    expect((await pull(c.maireToken)).changes).toEqual([]);
  });

  it('the consultation role cannot write demands and receives no personal data', async () => {
    const c = await commune();
    applied((await push(c.secretaireToken, [create(1, makeDemand())]))[0]);
    // A role that may write nothing is refused as a whole, before its body is read.
    const refused = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/sync/push',
      headers: bearer(c.consultationToken),
      payload: { mutations: [create(1, makeDemand())] },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/Votre rôle ne permet pas/) });
    const p = await pull(c.consultationToken);
    expect(p.changes).toEqual([]);
    expect(p.cursor).toBeGreaterThan(0); // the cursor still moves on, so it never falls behind the tombstone horizon
    expect((await snapshot(c.consultationToken)).records).toEqual([]);
  });

  it('deletes travel as tombstones', async () => {
    const c = await commune();
    const note = makeNote();
    const [v1] = applied((await push(c.secretaireToken, [createNote(1, note)]))[0]);
    const start = await pull(c.maireToken);
    const [v2] = applied(
      (
        await push(c.secretaireToken, [
          { mutationId: 2, kind: 'delete', collection: 'notes.notes', recordId: note.id, baseVersion: v1.version },
        ])
      )[0],
    );
    const p = await pull(c.maireToken, { epoch: start.epoch, cursor: start.cursor });
    expect(p.changes).toEqual([{ collection: 'notes.notes', id: note.id, version: v2.version, deleted: true, data: null }]);
    // A deleted record can be created again (e.g. an undo), with a newer version.
    const [v3] = applied((await push(c.secretaireToken, [createNote(3, note)]))[0]);
    expect(v3.version).toBeGreaterThan(v2.version);
  });

  it('a changed epoch, or a cursor older than the purged tombstones, answers resync_required', async () => {
    const c = await commune();
    const notes = [makeNote(), makeNote()];
    const [a] = applied((await push(c.secretaireToken, [createNote(1, notes[0])]))[0]);
    applied((await push(c.secretaireToken, [createNote(2, notes[1])]))[0]);
    const oldCursor = (await pull(c.maireToken)).cursor;
    const [del] = applied(
      (
        await push(c.secretaireToken, [
          { mutationId: 3, kind: 'delete', collection: 'notes.notes', recordId: notes[0].id, baseVersion: a.version },
        ])
      )[0],
    );
    const upToDate = await pull(c.maireToken, { cursor: oldCursor });
    expect(upToDate.cursor).toBe(del.version);

    // Purge as if 91 days had passed: the tombstone goes, older cursors must resync.
    const purged = await purgeTombstones(hub.db, 90, new Date(Date.now() + 91 * 86_400_000));
    expect(purged.purged).toBeGreaterThanOrEqual(1);
    const tooOld = await pullRaw(c.maireToken, { epoch: upToDate.epoch, cursor: oldCursor });
    expect(tooOld.statusCode).toBe(409);
    expect(tooOld.json()).toMatchObject({ code: 'resync_required' });
    expect(tooOld.json().message).toMatch(/rechargée/);
    expect((await pull(c.maireToken, { epoch: upToDate.epoch, cursor: upToDate.cursor })).changes).toEqual([]);
    // Live records are untouched by the purge: a snapshot still has the remaining note.
    expect((await snapshot(c.maireToken)).records.map((r) => r.id)).toEqual([notes[1].id]);

    const epoch = await resetCommuneSync(hub.db, c.communeId);
    expect(epoch).not.toBe(upToDate.epoch);
    const changed = await pullRaw(c.maireToken, { epoch: upToDate.epoch, cursor: upToDate.cursor });
    expect(changed.statusCode).toBe(409);
    expect(changed.json().code).toBe('resync_required');
    expect((await pull(c.maireToken, { epoch, cursor: upToDate.cursor })).epoch).toBe(epoch);
  });

  it('a paged snapshot followed by a pull from asOf gives exactly the hub state, despite writes between pages', async () => {
    const c = await commune();
    const notes = Array.from({ length: 5 }, () => makeNote());
    const versions = new Map<string, number>();
    for (const [i, d] of notes.entries())
      versions.set(d.id, applied((await push(c.secretaireToken, [createNote(i + 1, d)]))[0])[0].version);

    const local = new Map<string, SyncRecord>();
    const page1 = await snapshot(c.maireToken, { limit: 2 });
    expect(page1.records).toHaveLength(2);
    expect(page1.next).not.toBeNull();
    for (const r of page1.records) local.set(r.id, r);

    // Between pages: change a record already received, delete one not yet received, add one.
    const served = page1.records[0].id;
    const notYet = notes
      .map((d) => d.id)
      .filter((id) => !local.has(id))
      .sort()
      .at(-1)!;
    let m = 100;
    applied(
      (
        await push(c.maireToken, [
          {
            mutationId: m++,
            kind: 'upsert',
            collection: 'notes.notes',
            recordId: served,
            baseVersion: versions.get(served)!,
            data: { ...notes.find((d) => d.id === served)!, text: 'modifiée' },
          },
        ])
      )[0],
    );
    applied(
      (
        await push(c.maireToken, [
          { mutationId: m++, kind: 'delete', collection: 'notes.notes', recordId: notYet, baseVersion: versions.get(notYet)! },
        ])
      )[0],
    );
    applied((await push(c.maireToken, [createNote(m++, makeNote())]))[0]);

    let next = page1.next;
    while (next) {
      const page = await snapshot(c.maireToken, { limit: 2, asOf: page1.asOf, after: next });
      expect(page.asOf).toBe(page1.asOf);
      for (const r of page.records) local.set(r.id, r);
      next = page.next;
    }
    let cursor = page1.asOf;
    for (;;) {
      const p = await pull(c.maireToken, { epoch: page1.epoch, cursor, limit: 1 });
      for (const r of p.changes)
        if (r.deleted) local.delete(r.id);
        else local.set(r.id, r);
      cursor = p.cursor;
      if (!p.hasMore) break;
    }
    const truth = await snapshot(c.maireToken);
    expect(truth.records).toHaveLength(5);
    expect([...local.values()].sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [...truth.records].sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it('format=columns: the same records as the plain snapshot, electors without their derived ids; a PC that does not ask gets plain records', async () => {
    const c = await commune();
    const sha = (t: string) => createHash('sha256').update(t).digest('hex');
    // Electors as an import writes them: ids derived from identity (no INE), one homonym with its `-2`, one INE id.
    const base = Array.from({ length: 6 }, (_, n) => makeElector(n + 1, { ine: null }));
    const electors = base.map((e) => ({ ...e, id: electorBaseId(e, sha) }));
    electors.push({ ...electors[0]!, id: `${electors[0]!.id}-2`, numeroOrdre: 99 });
    const withIne = makeElector(50);
    electors.push({ ...withIne, id: electorBaseId(withIne, sha) });
    await storeRecords(hub.db, c.communeId, 'electoral.electors', electors);
    applied((await push(c.secretaireToken, [create(1, makeDemand())]))[0]);

    const plain = await snapshot(c.maireToken);
    expect(plain.blocks).toBeUndefined();
    expect(plain.records).toHaveLength(electors.length + 1);

    const pages: SnapshotResponse[] = [];
    let page = await snapshot(c.maireToken, { format: 'columns', limit: 5 });
    pages.push(page);
    while (page.next) {
      page = await snapshot(c.maireToken, { format: 'columns', limit: 5, asOf: pages[0]!.asOf, after: page.next });
      pages.push(page);
    }
    const derive = derivedIds(withNotesDomain().registry, sha);
    const decoded = pages.flatMap((p) => [...decodeBlocks(p.blocks ?? [], derive), ...p.records]);
    const byKey = (a: SyncRecord, b: SyncRecord) => `${a.collection}/${a.id}`.localeCompare(`${b.collection}/${b.id}`);
    expect(decoded.sort(byKey)).toEqual([...plain.records].sort(byKey));
    // On the wire: only the homonym's id is there, in its data column; the derived ones are left out.
    const electorBlocks = pages.flatMap((p) => p.blocks ?? []).filter((b) => b.collection === 'electoral.electors');
    const idColumn = electorBlocks[0]!.paths.findIndex((p) => p.join('.') === 'id');
    expect(electorBlocks.flatMap((b) => b.columns[idColumn]!).filter((id) => id !== null)).toEqual([`${electors[0]!.id}-2`]);
    expect(electorBlocks.flatMap((b) => b.ids).every((id) => id === null)).toBe(true);

    // Gzip when the PC accepts it (all of them do), plain JSON for a client that refuses it.
    const url = '/api/v1/sync/snapshot?format=columns';
    for (const [accept, gzipped] of [
      ['gzip', true],
      ['deflate, gzip;q=1.0', true],
      ['gzip;q=0', false],
      ['identity', false],
    ] as const) {
      const res = await hub.app.inject({ method: 'GET', url, headers: { ...bearer(c.maireToken), 'accept-encoding': accept } });
      expect(res.headers['content-encoding'], accept).toBe(gzipped ? 'gzip' : undefined);
      const body = gzipped ? gunzipSync(res.rawPayload).toString('utf8') : res.body;
      const whole = JSON.parse(body) as SnapshotResponse;
      expect([...decodeBlocks(whole.blocks ?? [], derive), ...whole.records].sort(byKey), accept).toEqual([...plain.records].sort(byKey));
    }
  });

  it('pull pages by cursor without skipping: every record once, in version order', async () => {
    const c = await commune();
    const ids = Array.from({ length: 7 }, () => makeDemand());
    await push(
      c.secretaireToken,
      ids.map((d, i) => create(i + 1, d)),
    );
    const seen: number[] = [];
    let cursor = 0;
    for (;;) {
      const p = await pull(c.maireToken, { cursor, limit: 3 });
      seen.push(...p.changes.map((x) => x.version));
      expect(p.changes.length).toBeLessThanOrEqual(3);
      cursor = p.cursor;
      if (!p.hasMore) break;
    }
    expect(seen).toHaveLength(7);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('versions stay strictly increasing under concurrent pushes from two PCs over real HTTP', async () => {
    const c = await commune();
    const base = await hub.listen();
    const send = (token: string, mutations: Mutation[]) =>
      fetch(`${base}/api/v1/sync/push`, {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify({ mutations }),
      }).then(async (r) => {
        expect(r.status).toBe(200);
        return ((await r.json()) as PushResponse).results;
      });
    const batches = (token: string, offset: number) =>
      Array.from({ length: 5 }, (_, b) =>
        send(
          token,
          Array.from({ length: 4 }, (_, i) => create(offset + b * 4 + i + 1, makeDemand())),
        ),
      );
    const results = (await Promise.all([...batches(c.secretaireToken, 0), ...batches(c.maireToken, 0)])).flat();
    const versions = results.flatMap((r) => applied(r).map((v) => v.version));
    expect(versions).toHaveLength(40);
    expect(new Set(versions).size).toBe(40);

    const p = await pull(c.maireToken, { limit: 1000 });
    expect(p.changes).toHaveLength(40);
    const pulled = p.changes.map((x) => x.version);
    for (let i = 1; i < pulled.length; i++) expect(pulled[i]).toBeGreaterThan(pulled[i - 1]);
    expect(new Set(pulled)).toEqual(new Set(versions));
  });

  // SQLite has one connection per hub, so writers are serialised there by construction; on PostgreSQL
  // the commune row lock must make a second writer wait for the first one's commit.
  it.runIf(backend === 'postgres')('a pull never skips a write that commits late: writers of a commune wait for each other', async () => {
    const c = await commune();
    const start = await pull(c.maireToken);
    const slow = await hub.db.startTransaction().execute();
    let a: { version: number };
    try {
      await lockCommune(slow, c.communeId);
      const demand = makeDemand();
      [a] = await writeRecords(slow, c.communeId, 'electoral.demands', [{ id: demand.id, json: JSON.stringify(demand) }]);
    } catch (err) {
      await slow.rollback().execute();
      throw err;
    }
    let pushed = false;
    const other = push(c.secretaireToken, [create(1, makeDemand())]).then((r) => {
      pushed = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(pushed).toBe(false);
    const during = await pull(c.maireToken, { cursor: start.cursor });
    expect(during.changes).toEqual([]);
    expect(during.cursor).toBe(start.cursor);
    await slow.commit().execute();
    const [b] = applied((await other)[0]);
    expect(b.version).toBeGreaterThan(a.version);
    expect((await pull(c.maireToken, { cursor: during.cursor })).changes.map((x) => x.version)).toEqual([a.version, b.version]);
  });

  it('isolates communes: a commune never pulls another one’s records', async () => {
    const a = await commune();
    const b = await commune();
    applied((await push(a.secretaireToken, [create(1, makeDemand())]))[0]);
    expect((await pull(b.maireToken)).changes).toEqual([]);
  });

  it('answers a malformed request with a French 400', async () => {
    const c = await commune();
    const res = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/sync/push',
      headers: bearer(c.maireToken),
      payload: { mutations: [] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/mal formée/) });
    expect((await pullRaw(c.maireToken, { cursor: -1 })).statusCode).toBe(400);
    expect(
      (await hub.app.inject({ method: 'GET', url: '/api/v1/sync/snapshot?after=%%%', headers: bearer(c.maireToken) })).statusCode,
    ).toBe(400);
  });
});
