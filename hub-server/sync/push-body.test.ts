import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mutation, PushResponse } from '../../shared/sync/protocol.js';
import { makeDemand } from '../electoral/test-fixtures.js';
import { createTestHub, type SeededCommune, TEST_BACKENDS, type TestHub } from '../test-support.js';
import { SLICED_PARSE_BYTES } from './routes.js';

/**
 * A push body past SLICED_PARSE_BYTES is decoded and parsed in slices (json-in-slices.ts): it lands as a
 * small one does, and is refused as fastify's own parser refuses (malformed, `__proto__`), with the same answer.
 */
describe.each(TEST_BACKENDS)('large push bodies (%s)', (backend) => {
  let hub: TestHub;
  let c: SeededCommune;
  let url: string;
  let nextMutation = 1;
  beforeAll(async () => {
    hub = await createTestHub(backend);
    url = await hub.listen();
    c = await hub.seedCommune({ insee: '10388', services: ['electoral'] });
  });
  afterAll(async () => hub?.close());

  const demand = (comment: string | null = null): Mutation => {
    const data = makeDemand({ comment });
    return { mutationId: nextMutation++, kind: 'upsert', collection: 'electoral.demands', recordId: data.id, baseVersion: null, data };
  };
  /** `{"mutations":[…]}` with whitespace between the mutations, so the text passes `bytes`. */
  const bodyOf = (mutations: string[], bytes: number) => {
    const pad = ' '.repeat(Math.ceil(bytes / mutations.length));
    return `{"mutations":[${mutations.join(`,${pad}\n`)}]}`;
  };
  const post = (body: Buffer) =>
    fetch(`${url}/api/v1/sync/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.secretaireToken}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(body),
    });
  const BAD_REQUEST = { code: 'bad_request', message: 'La demande envoyée au hub est mal formée.' };

  it('lands a large gzip body as it lands a small one', async () => {
    const mutations = Array.from({ length: 40 }, demand);
    const text = bodyOf(
      mutations.map((m) => JSON.stringify(m)),
      2 * SLICED_PARSE_BYTES,
    );
    expect(text.length).toBeGreaterThan(SLICED_PARSE_BYTES);
    const res = await post(Buffer.from(text));
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as PushResponse;
    expect(results.map((r) => [r.mutationId, r.status])).toEqual(mutations.map((m) => [m.mutationId, 'applied']));
  });

  it('refuses a `__proto__` key deep in a large body with 400, as the one-go parse does', async () => {
    for (const poison of ['"__proto__":{"admin":true}', '"constructor":{"prototype":{"admin":true}}']) {
      const mutations = Array.from({ length: 10 }, () => JSON.stringify(demand()));
      mutations[5] = mutations[5]!.replace('"data":{', `"data":{${poison},`);
      const res = await post(Buffer.from(bodyOf(mutations, 2 * SLICED_PARSE_BYTES)));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject(BAD_REQUEST);
    }
  });

  it('reads invalid UTF-8 in a large body as today: U+FFFD in a string, a refusal outside one', async () => {
    const marker = 'Z'.repeat(12);
    const m = demand(marker);
    const text = bodyOf([JSON.stringify(demand()), JSON.stringify(m)], 2 * SLICED_PARSE_BYTES);
    // Invalid bytes inside a string value are decoded to U+FFFD (Buffer#toString), not refused.
    const inString = Buffer.from(text);
    const at = inString.indexOf(marker);
    inString[at] = 0xff;
    inString[at + 1] = 0xc3;
    const accepted = await post(inString);
    expect(accepted.status).toBe(200);
    // Outside strings they break the JSON text: refused.
    const outside = Buffer.from(text);
    outside[outside.indexOf('\n')] = 0xff;
    const refused = await post(outside);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject(BAD_REQUEST);
  });

  it('refuses a malformed large body (a trailing comma) with 400', async () => {
    const text = bodyOf([JSON.stringify(demand()), JSON.stringify(demand())], 2 * SLICED_PARSE_BYTES).replace(/\]\}$/, ',]}');
    const res = await post(Buffer.from(text));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject(BAD_REQUEST);
  });
});
