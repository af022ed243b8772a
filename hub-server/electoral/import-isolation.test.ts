import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PullResponse, PushResponse } from '../../shared/sync/protocol.js';
import { createTestHub, type SeededCommune, type TestHub } from '../test-support.js';
import { makeDemand, makeElector, makeImportRecord } from './test-fixtures.js';

/**
 * Issue 7: one commune's large import must not hold the other communes' requests. A real hub on SQLite
 * (one writer, statements on the event loop), over loopback HTTP: commune A pushes a 35 000-elector
 * import (gzip, as the PC sends it) while commune B pulls and pushes demands one after the other.
 * Judged against the import's own duration, so a slow shared machine slows both sides alike: when the
 * import ran in the push's single transaction, B's requests waited for most of it.
 */
describe('a large import in one commune (sqlite)', () => {
  let hub: TestHub;
  let url: string;
  let a: SeededCommune;
  let b: SeededCommune;
  beforeAll(async () => {
    hub = await createTestHub('sqlite');
    url = await hub.listen();
    a = await hub.seedCommune({ insee: '10387', services: ['electoral'] });
    b = await hub.seedCommune({ insee: '10034', services: ['electoral'] });
  });
  afterAll(async () => hub?.close());

  const headers = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
  let nextMutation = 1;
  const pushDemand = async (token: string) => {
    const demand = makeDemand();
    const res = await fetch(`${url}/api/v1/sync/push`, {
      method: 'POST',
      headers: headers(token),
      body: JSON.stringify({
        mutations: [
          {
            mutationId: nextMutation++,
            kind: 'upsert',
            collection: 'electoral.demands',
            recordId: demand.id,
            baseVersion: null,
            data: demand,
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as PushResponse).results[0]?.status).toBe('applied');
  };
  const pull = async (token: string, cursor = 0) => {
    const res = await fetch(`${url}/api/v1/sync/pull?cursor=${cursor}&limit=5000`, { headers: headers(token) });
    expect(res.status).toBe(200);
    return (await res.json()) as PullResponse;
  };
  const pullAll = async (token: string) => {
    const changes: PullResponse['changes'] = [];
    for (let cursor = 0; ; ) {
      const page = await pull(token, cursor);
      changes.push(...page.changes);
      cursor = page.cursor;
      if (!page.hasMore) return changes;
    }
  };
  /** B's routine exchange, timed: one pull, one push of a demand. */
  const routine = async () => {
    const t0 = performance.now();
    await pull(b.secretaireToken);
    const t1 = performance.now();
    await pushDemand(b.secretaireToken);
    return { pullMs: t1 - t0, pushMs: performance.now() - t1 };
  };

  it('lets commune B pull and push while commune A imports 35 000 electors', { timeout: 300_000 }, async () => {
    for (let i = 0; i < 20; i++) await routine(); // B has demands, and the connections are warm
    const idle: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await routine();
      idle.push(r.pullMs, r.pushMs);
    }

    const electors = Array.from({ length: 35_000 }, (_, i) => makeElector(i + 1));
    const body = gzipSync(
      JSON.stringify({
        mutations: [
          { mutationId: 1, kind: 'command', name: 'electoral.import', payload: { import: makeImportRecord(electors.length), electors } },
        ],
      }),
    );
    let importDone = false;
    const started = performance.now();
    const importing = fetch(`${url}/api/v1/sync/push`, {
      method: 'POST',
      headers: { ...headers(a.secretaireToken), 'content-encoding': 'gzip' },
      body,
    }).then(async (res) => {
      importDone = true;
      return { status: res.status, body: (await res.json()) as PushResponse, ms: performance.now() - started };
    });
    const during: Array<{ pullMs: number; pushMs: number }> = [];
    while (!importDone) during.push(await routine());
    const imported = await importing;
    expect(imported.status).toBe(200);
    expect(imported.body.results[0]?.status).toBe('applied');

    // The import landed whole, and B's demands are all there.
    expect((await pullAll(a.maireToken)).filter((c) => c.collection === 'electoral.electors')).toHaveLength(35_000);
    expect((await pullAll(b.maireToken)).filter((c) => c.collection === 'electoral.demands')).toHaveLength(30 + during.length);

    const slowest = Math.max(...during.flatMap((r) => [r.pullMs, r.pushMs]));
    const figures = `import ${Math.round(imported.ms)} ms; B idle max ${Math.round(Math.max(...idle))} ms; B during the import: ${during.length} exchanges, slowest request ${Math.round(slowest)} ms`;
    console.info(figures);
    // B kept going: several exchanges within the import, none waiting for a large share of it
    // (the old single transaction made one of them wait for nearly the whole import).
    expect(during.length, figures).toBeGreaterThanOrEqual(3);
    expect(slowest, figures).toBeLessThan(imported.ms / 3);
  });
});
