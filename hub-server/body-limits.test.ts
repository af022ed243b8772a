import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, TEST_BACKENDS, type SeededCommune, type TestHub } from './test-support.js';

/**
 * A gzip body is inflated as it is read. The caller is authenticated and its role checked
 * before that (onRequest), so a small compressed body from someone who may not push never
 * becomes hundreds of megabytes in the hub's memory; and each route caps the inflated size.
 */
async function gzipOf(bytes: number, fill = 0x20): Promise<Buffer> {
  const piece = Buffer.alloc(1024 * 1024, fill);
  const pieces = Math.ceil(bytes / piece.length);
  const gzip = createGzip({ level: 9 });
  Readable.from(
    (function* () {
      for (let i = 0; i < pieces; i++) yield piece;
    })(),
  ).pipe(gzip);
  const out: Buffer[] = [];
  for await (const chunk of gzip) out.push(chunk as Buffer);
  return Buffer.concat(out);
}

/** Peak RSS growth of this process (the hub runs in it) while `work` runs. */
async function peakRssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  globalThis.gc?.();
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, growth: peak - base };
  } finally {
    clearInterval(timer);
  }
}

const MB = 1024 * 1024;

describe.each(TEST_BACKENDS)('request bodies are read only for a caller who may send them (%s)', (backend) => {
  let hub: TestHub;
  let url: string;
  let c: SeededCommune;
  let bomb: Buffer;
  beforeAll(async () => {
    hub = await createTestHub(backend);
    url = await hub.listen();
    c = await hub.seedCommune({ insee: '10387', services: ['electoral', 'acts'] });
    // ~200 KB on the wire, 200 MB once inflated.
    bomb = await gzipOf(200 * MB);
  });
  afterAll(async () => hub?.close());

  const pushBomb = (authorization?: string) =>
    fetch(`${url}/api/v1/sync/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', ...(authorization ? { authorization } : {}) },
      body: bomb,
    });

  it('refuses a gzip bomb pushed without a token, or by a consultation account, before inflating it', async () => {
    expect(bomb.length).toBeLessThan(MB);
    const anonymous = await peakRssGrowth(() => pushBomb());
    expect(anonymous.result.status).toBe(401);
    expect(anonymous.growth).toBeLessThan(60 * MB);

    const consultation = await peakRssGrowth(async () => {
      const res = await pushBomb(`Bearer ${c.consultationToken}`);
      return { status: res.status, body: (await res.json()) as { code: string; message: string } };
    });
    expect(consultation.result.status).toBe(403);
    expect(consultation.result.body).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/Votre rôle ne permet pas/) });
    expect(consultation.growth).toBeLessThan(60 * MB);
  });

  it('refuses a route reserved to the maire before reading its body', async () => {
    const res = await peakRssGrowth(() =>
      fetch(`${url}/api/v1/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${c.secretaireToken}` },
        body: bomb,
      }),
    );
    expect(res.result.status).toBe(403);
    expect(res.growth).toBeLessThan(60 * MB);
  });

  it('caps the inflated size per route: a 2 MB login or account creation answers 413 in French', async () => {
    const big = await gzipOf(2 * MB);
    for (const [path, authorization] of [
      ['/api/v1/login', undefined],
      ['/api/v1/users', `Bearer ${c.maireToken}`],
    ] as const) {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', ...(authorization ? { authorization } : {}) },
        body: big,
      });
      expect([path, res.status]).toEqual([path, 413]);
      expect(await res.json()).toMatchObject({ message: 'La demande envoyée au hub est trop volumineuse.' });
    }
  });
});
