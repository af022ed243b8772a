import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, type SeededCommune, type TestHub } from '../../hub-server/test-support.js';
import { OFFLINE_MESSAGE } from '../../electron/hub-client/hub-client.js';
import { MASS_DELETION_MIN_ROWS } from '../../shared/sync/protocol.js';
import { lockCommune, writeRecords } from '../../hub-server/sync/store.js';
import { newDemand, openDemandReplica, type DemandReplica } from './demand-replica.js';
import { startFlakyProxy, type FlakyProxy } from './flaky-proxy.js';

/**
 * The sync engine against a real hub over loopback HTTP, through a proxy that
 * cuts connections and drops answers. Each test uses its own commune.
 */
let hub: TestHub;
let hubUrl: string;
let proxy: FlakyProxy;
const replicas: DemandReplica[] = [];
let nextInsee = 10001;

beforeAll(async () => {
  hub = await createTestHub('sqlite');
  hubUrl = await hub.listen();
  proxy = await startFlakyProxy(hubUrl);
});
afterAll(async () => {
  for (const r of replicas) await r.close();
  await proxy.close();
  await hub.close();
});

async function commune(): Promise<SeededCommune> {
  return hub.seedCommune({ insee: String(nextInsee++), services: ['electoral'] });
}
/**
 * Tombstones written by the hub itself (a PC may never delete a demand: the hub refuses it),
 * standing for any mass deletion coming from the hub, e.g. electors gone from a new REU extract.
 */
async function deleteOnHub(communeId: string, ids: string[]): Promise<void> {
  await hub.db.transaction().execute(async (trx) => {
    await lockCommune(trx, communeId);
    await writeRecords(
      trx,
      communeId,
      'electoral.demands',
      ids.map((id) => ({ id, json: null })),
    );
  });
}
const idsOf = (rows: { id: string }[]) => rows.map((r) => r.id).sort();
async function waitFor(check: () => boolean, ms = 8000): Promise<void> {
  for (const end = Date.now() + ms; !check(); ) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
function replica(token: string, viaProxy = true, sync?: Parameters<typeof openDemandReplica>[0]['sync']): DemandReplica {
  const r = openDemandReplica({ hubUrl: viaProxy ? proxy.url : hubUrl, token, sync });
  replicas.push(r);
  return r;
}

describe('sync engine against a real hub', () => {
  it('keeps changes queued while the hub is unreachable and sends them when it comes back', async () => {
    const c = await commune();
    const a = replica(c.maireToken);
    const b = replica(c.secretaireToken, false);
    proxy.refuse = true;
    const d = a.createDemand();
    const offline = await a.engine.runCycle();
    expect(offline.online).toBe(false);
    expect(offline.pending).toBe(1);
    expect(offline.lastError).toMatchObject({ code: 'offline', message: OFFLINE_MESSAGE });
    proxy.refuse = false;
    const back = await a.engine.runCycle();
    expect(back).toMatchObject({ online: true, pending: 0, lastError: null, rejected: [] });
    // The local row now carries the hub's version, so the next edit is based on it.
    expect(a.demands()[0].version).toBeGreaterThan(0);
    await b.engine.runCycle();
    expect(b.demands().map((x) => x.id)).toEqual([d.id]);
  });

  it('applies each change once when answers are lost (retries and later cycles)', async () => {
    const c = await commune();
    const a = replica(c.maireToken);
    const ids = [a.createDemand().id, a.createDemand().id, a.createDemand().id];
    const before = { ...proxy.stats };
    // Answer lost once: the client retries within the call; the hub answers its stored results.
    proxy.dropResponses(1, (m, p) => m === 'POST' && p.endsWith('/sync/push'));
    // And the hub also receives the same push twice (a retry the client never saw).
    proxy.duplicateRequests(1, (m, p) => m === 'POST' && p.endsWith('/sync/push'));
    const s1 = await a.engine.runCycle();
    expect(s1).toMatchObject({ pending: 0, rejected: [], lastError: null });

    // Answer lost on every attempt: the cycle fails, the changes stay queued, the next cycle settles them.
    a.setStatus(ids[0], 'instruction');
    proxy.dropResponses(3, (m, p) => m === 'POST' && p.endsWith('/sync/push'));
    const s2 = await a.engine.runCycle();
    expect(s2.pending).toBe(1);
    expect(s2.online).toBe(false);
    const s3 = await a.engine.runCycle();
    // Without idempotence, the re-sent change would be refused as stale (its base version moved on).
    expect(s3).toMatchObject({ pending: 0, rejected: [], lastError: null });
    expect(proxy.stats.dropped - before.dropped).toBe(4);
    expect(proxy.stats.duplicated - before.duplicated).toBe(1);

    const b = replica(c.secretaireToken, false);
    await b.engine.runCycle();
    expect(
      b
        .demands()
        .map((x) => x.id)
        .sort(),
    ).toEqual([...ids].sort());
    expect(b.demands().find((x) => x.id === ids[0])!.data.status).toBe('instruction');
    expect(b.demands()).toEqual(a.demands());
  });

  it('rebases a second offline edit of a record on the hub version of the first', async () => {
    const c = await commune();
    const a = replica(c.maireToken);
    const d = a.createDemand();
    a.setStatus(d.id, 'instruction');
    a.setStatus(d.id, 'acceptee');
    const s = await a.engine.runCycle();
    expect(s).toMatchObject({ pending: 0, rejected: [] });
    const b = replica(c.secretaireToken, false);
    await b.engine.runCycle();
    expect(b.demands()[0].data.status).toBe('acceptee');
    expect(b.demands()).toEqual(a.demands());
  });

  it('shows a stale change as rejected with the reason, and the hub version on screen', async () => {
    const c = await commune();
    const a = replica(c.maireToken);
    const b = replica(c.secretaireToken);
    const d = a.createDemand();
    await a.engine.runCycle();
    await b.engine.runCycle();
    a.setStatus(d.id, 'acceptee');
    b.setStatus(d.id, 'refusee'); // made while b had not seen a's change
    await a.engine.runCycle();
    const s = await b.engine.runCycle();
    expect(s.pending).toBe(0);
    expect(s.rejected).toHaveLength(1);
    expect(s.rejected[0]).toMatchObject({
      collection: 'electoral.demands',
      recordId: d.id,
      summary: 'Demande : statut refusee',
      reason: { code: 'stale_version' },
    });
    expect(s.rejected[0].reason.message).toMatch(/modifiée sur un autre poste/);
    expect(b.demands()[0].data.status).toBe('acceptee');
    expect(b.demands()).toEqual(a.demands());
    const dismissed = b.engine.dismissRejected(s.rejected[0].mutationId);
    expect(dismissed.rejected).toEqual([]);
  });

  it('stops before a pull that deletes most of a table, applies it only once confirmed', async () => {
    const c = await commune();
    const a = replica(c.maireToken);
    const b = replica(c.secretaireToken);
    const made = Array.from({ length: MASS_DELETION_MIN_ROWS + 2 }, () => a.createDemand());
    await a.engine.runCycle();
    await b.engine.runCycle();
    expect(b.demands()).toHaveLength(made.length);
    await deleteOnHub(
      c.communeId,
      made.slice(0, 8).map((d) => d.id),
    );

    const blocked = await b.engine.runCycle();
    expect(blocked.phase).toBe('blocked');
    expect(blocked.massDeletion).toEqual({ collection: 'electoral.demands', localCount: 12, toDelete: 8 });
    expect(b.demands()).toHaveLength(12);
    // Refused: nothing applied, still blocked; the next cycle asks again.
    const refused = await b.engine.confirmMassDeletion(false);
    expect(refused.phase).toBe('blocked');
    expect(b.demands()).toHaveLength(12);
    const again = await b.engine.runCycle();
    expect(again.massDeletion).toMatchObject({ toDelete: 8 });
    const accepted = await b.engine.confirmMassDeletion(true);
    expect(accepted.massDeletion).toBeNull();
    expect(accepted.phase).toBe('idle');
    expect(idsOf(b.demands())).toEqual(idsOf(made.slice(8)));
  });

  it('lays a snapshot down on resync without losing a change queued meanwhile', async () => {
    const c = await commune();
    const a = replica(c.maireToken);
    const b = replica(c.secretaireToken);
    for (let i = 0; i < 3; i++) a.createDemand();
    await a.engine.runCycle();
    await b.engine.runCycle();
    // The hub's history no longer matches b's cursor (e.g. hub restored from a backup).
    b.db.prepare("UPDATE sync_state SET value = '999999' WHERE key = 'cursor'").run();
    let typed: string | null = null;
    b.wrapHub((h) => ({
      ...h,
      snapshot: async (q) => {
        const page = await h.snapshot(q);
        // The user creates a demand while the snapshot downloads.
        if (!typed) typed = b.createDemand().id;
        return page;
      },
    }));
    const s = await b.engine.runCycle();
    expect(s.lastError).toBeNull();
    expect(s.pending).toBe(1);
    expect(b.demands().map((x) => x.id)).toContain(typed);
    expect(b.demands()).toHaveLength(4);
    expect(Number((b.db.prepare("SELECT value FROM sync_state WHERE key = 'cursor'").get() as { value: string }).value)).toBeLessThan(
      999999,
    );
    const s2 = await b.engine.runCycle();
    expect(s2.pending).toBe(0);
    await a.engine.runCycle();
    expect(a.demands()).toEqual(b.demands());
  });

  it('a snapshot in several pages whose second page is refused lays nothing down, then comes whole at the next cycle', async () => {
    const c = await commune();
    const a = replica(c.maireToken);
    const made = Array.from({ length: 7 }, () => a.createDemand());
    await a.engine.runCycle();
    // Pages of 2: the PC asks the next page while it decodes one, so a request is in flight when a page is refused.
    const b = replica(c.secretaireToken, false, { snapshotLimit: 2 });
    let calls = 0;
    b.wrapHub((h) => ({
      ...h,
      snapshot: async (q) => {
        const n = ++calls;
        if (n === 3) throw new Error('connexion coupée');
        const page = await h.snapshot(q);
        if (n === 2) return { ...page, blocks: page.blocks?.map((block) => ({ ...block, versions: [] })) };
        return page;
      },
    }));
    const failed = await b.engine.runCycle();
    expect(failed.lastError).toMatchObject({ code: 'hub_unavailable' });
    expect(b.demands()).toEqual([]);
    expect(b.db.prepare("SELECT value FROM sync_state WHERE key = 'cursor'").get()).toBeUndefined();
    b.wrapHub((h) => h);
    expect((await b.engine.runCycle()).lastError).toBeNull();
    expect(idsOf(b.demands())).toEqual(idsOf(made));
  });

  it('runs by itself: a local change is sent soon after, and the loop retries after an outage', async () => {
    const c = await commune();
    const a = replica(c.maireToken, true, { debounceMs: 10, intervalMs: 60_000, maxBackoffMs: 100 });
    proxy.refuse = true;
    try {
      a.engine.start();
      a.createDemand();
      a.engine.requestSync();
      await waitFor(() => a.events.some((s) => !s.online && s.pending === 1));
    } finally {
      proxy.refuse = false;
    }
    // No one asks again: the backoff timer brings the change out once the line is back.
    const settled = () => a.events.find((e, i) => i > 0 && e.phase === 'idle' && e.online && e.pending === 0);
    await waitFor(() => settled() !== undefined);
    expect(settled()).toMatchObject({ lastError: null, rejected: [] });
  });

  it('applies the same fail-safe to a snapshot that would drop most local rows', async () => {
    const c = await commune();
    const a = replica(c.maireToken);
    const b = replica(c.secretaireToken);
    const made = Array.from({ length: 12 }, () => a.createDemand());
    await a.engine.runCycle();
    await b.engine.runCycle();
    await deleteOnHub(
      c.communeId,
      made.slice(0, 9).map((d) => d.id),
    );
    b.db.prepare("UPDATE sync_state SET value = '999999' WHERE key = 'cursor'").run();
    const blocked = await b.engine.runCycle();
    expect(blocked.massDeletion).toEqual({ collection: 'electoral.demands', localCount: 12, toDelete: 9 });
    expect(b.demands()).toHaveLength(12);
    await b.engine.confirmMassDeletion(true);
    expect(idsOf(b.demands())).toEqual(idsOf(made.slice(9)));
  });

  it('a refused command (whose local effect cannot be undone record by record) re-lays the hub copy', async () => {
    const c = await commune();
    const a = replica(c.maireToken);
    a.createDemand();
    await a.engine.runCycle();
    // A local row the hub never had, standing for what a command changed locally.
    a.db.prepare("INSERT INTO t_demands (id, version, data) VALUES ('ghost', 1, '{}')").run();
    a.db.transaction(() =>
      a.outbox.enqueue({ kind: 'command', name: 'commande.inconnue', payload: {}, summary: 'Import de la liste électorale' }),
    )();
    const s = await a.engine.runCycle();
    expect(s.rejected).toEqual([
      expect.objectContaining({
        collection: null,
        recordId: null,
        summary: 'Import de la liste électorale',
        reason: expect.objectContaining({ code: 'bad_request' }),
      }),
    ]);
    expect(a.events.some((e) => e.phase === 'snapshot')).toBe(true);
    expect(a.demands().map((d) => d.id)).not.toContain('ghost');
    expect(a.demands()).toHaveLength(1);
  });

  it('does not let one malformed change wedge the queue: it is isolated and shown as refused', async () => {
    const c = await commune();
    const a = replica(c.maireToken);
    const first = a.createDemand();
    const bad = newDemand();
    a.db.transaction(() =>
      a.outbox.enqueue({
        kind: 'upsert',
        collection: 'electoral.demands',
        recordId: 'x'.repeat(150),
        baseVersion: null,
        data: bad,
        summary: 'Demande illisible',
      }),
    )();
    const last = a.createDemand();
    const s = await a.engine.runCycle();
    expect(s).toMatchObject({ pending: 0, lastError: null });
    expect(s.rejected).toEqual([
      expect.objectContaining({ summary: 'Demande illisible', reason: expect.objectContaining({ code: 'bad_request' }) }),
    ]);
    expect(s.rejected[0].reason.message).toMatch(/[éè]/);
    const b = replica(c.secretaireToken, false);
    await b.engine.runCycle();
    expect(
      b
        .demands()
        .map((d) => d.id)
        .sort(),
    ).toEqual([first.id, last.id].sort());
  });

  it('drops a pull that was in flight when the replica was cleared (new scope): nothing of the old session lands', async () => {
    const c = await commune();
    const a = replica(c.maireToken);
    a.createDemand();
    await a.engine.runCycle();
    const b = replica(c.secretaireToken, false);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const inFlight = new Promise<void>((r) => (started = r));
    // A PC that never synced reads a snapshot (a later one, pull pages): either is held.
    const held =
      <Q, P>(read: (q: Q) => Promise<P>) =>
      async (q: Q) => {
        const page = await read(q);
        started();
        await gate;
        return page;
      };
    b.wrapHub((h) => ({ ...h, pull: held(h.pull), snapshot: held(h.snapshot) }));
    const cycle = b.engine.runCycle();
    await inFlight;
    // Meanwhile the session manager switches scope: it clears the replica and tells the engine.
    b.db.transaction(() => {
      b.db.prepare('DELETE FROM t_demands').run();
      b.db.prepare("DELETE FROM sync_state WHERE key IN ('epoch', 'cursor')").run();
    })();
    b.engine.reset();
    release();
    await cycle;
    expect(b.demands()).toEqual([]);
    expect(b.db.prepare("SELECT value FROM sync_state WHERE key IN ('epoch', 'cursor')").all()).toEqual([]);
  });
});
