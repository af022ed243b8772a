import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mutation, PullResponse, PushResponse } from '../../shared/sync/protocol.js';
import { demandUpsert, makeDemand, makeElector, makeImportRecord } from '../electoral/test-fixtures.js';
import { createTestHub, TEST_BACKENDS, type SeededCommune, type TestHub } from '../test-support.js';
import { readAllRecords } from './store.js';

/**
 * On PostgreSQL every statement is a round trip (a writev and two wakeups on the hub): the load bench's
 * latency follows their count. These are the counts of a routine pull and of a one-record push; a change
 * that adds a statement to them should be a choice, made here. Before 2026-12-06 a pull was 4 statements
 * and a push of a demand 13 (14 on a commune's first push); the load bench's hub CPU per request went from
 * 3.4–4.0 ms to 3.2–3.3 ms (same runs, back to back, machine load 4–6 on 2 cores).
 */
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe.skipIf(!TEST_BACKENDS.includes('postgres'))('round trips of a sync request (postgres)', () => {
  let hub: TestHub;
  let c: SeededCommune;
  let statements: string[] | null = null;
  beforeAll(async () => {
    hub = await createTestHub('postgres', { onStatement: (text) => statements?.push(text) });
    c = await hub.seedCommune({ insee: '10400', services: ['electoral'] });
    // First requests: the commune's sync row is created, each device's last_seen_at written (then once a minute).
    for (const token of [c.secretaireToken, c.maireToken]) await pull(token);
  });
  afterAll(async () => hub?.close());

  async function counted<T>(run: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    statements = [];
    try {
      const result = await run();
      return { result, statements };
    } finally {
      statements = null;
    }
  }
  const pull = async (token: string, query: Record<string, string> = {}) => {
    const res = await hub.app.inject({ method: 'GET', url: '/api/v1/sync/pull', headers: bearer(token), query });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<PullResponse>();
  };
  const push = async (token: string, mutations: Mutation[]) => {
    const res = await hub.app.inject({ method: 'POST', url: '/api/v1/sync/push', headers: bearer(token), payload: { mutations } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<PushResponse>().results;
  };

  it('a pull is 2 statements: the session with its grants; the sync state with the page of records', async () => {
    const { result, statements } = await counted(() => pull(c.maireToken));
    expect(statements.length, statements.join('\n')).toBeLessThanOrEqual(2);
    expect(result.changes).toEqual([]);
  });

  it('a push of one record naming two files is 8 statements, and its pull brings it', async () => {
    const demand = makeDemand();
    const { result, statements } = await counted(() => push(c.secretaireToken, [demandUpsert(1, demand)]));
    expect(result[0]?.status).toBe('applied');
    // session + grants · begin · lock the commune + look the mutation up · the record as held · both files ·
    // versions + upsert · the stored result · commit
    expect(statements.length, statements.join('\n')).toBeLessThanOrEqual(8);
    const pulled = await pull(c.maireToken);
    expect(pulled.changes.map((r) => r.id)).toEqual([demand.id]);
  });

  it('the same mutation pushed 4 times at once is applied once, and all 4 get its answer', async () => {
    const demand = makeDemand();
    const results = await Promise.all([1, 2, 3, 4].map(() => push(c.secretaireToken, [demandUpsert(2, demand)])));
    const written = (await readAllRecords(hub.db, c.communeId, 'electoral.demands')).find((r) => r.id === demand.id);
    expect(results.map((r) => r[0])).toEqual(
      [1, 2, 3, 4].map(() => ({
        mutationId: 2,
        status: 'applied',
        versions: [{ collection: 'electoral.demands', id: demand.id, version: written?.version }],
      })),
    );
  });

  it('an import pushed 3 times at once (a PC retrying) lands once: every answer is the first one', async () => {
    const electors = [1, 2, 3].map((n) => makeElector(n));
    const mutation: Mutation = {
      mutationId: 3,
      kind: 'command',
      name: 'electoral.import',
      payload: { import: makeImportRecord(electors.length), electors },
    };
    // A copy that missed the first one's stored result (it waited for the commune's lock with an older snapshot)
    // would find the same file imported and write a tombstone of the import record: storing its result then
    // fails, and its retry answers the stored one.
    const results = await Promise.all([1, 2, 3].map(() => push(c.maireToken, [mutation])));
    expect(new Set(results.map((r) => JSON.stringify(r[0]))).size).toBe(1);
    expect(results[0]?.[0]?.status).toBe('applied');
    const imports = await readAllRecords(hub.db, c.communeId, 'electoral.imports');
    expect(imports.map((r) => r.deleted)).toEqual([false]);
  });
});
