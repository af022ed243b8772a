import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Channel, Envelope, EventName } from '../../shared/api/ipc.js';
import type { CoreApi } from './core-api.js';
import { startWebHost, type WebHost } from './server.js';

/** Stand-in with the core's invoke/on shape; records what reached it. */
function fakeCore() {
  const events = new EventEmitter();
  const calls: { channel: Channel; input: unknown }[] = [];
  let behaviour: (channel: Channel, input: unknown) => Promise<Envelope<unknown>> = async (channel, input) => ({
    ok: true,
    value: { echo: channel, input },
  });
  const core: CoreApi = {
    invoke: (channel, input) => {
      calls.push({ channel, input });
      return behaviour(channel, input);
    },
    on: (event, listener) => {
      events.on(event, listener as (p: unknown) => void);
      return () => events.off(event, listener as (p: unknown) => void);
    },
  };
  return {
    core,
    calls,
    emit: (event: EventName, payload: unknown) => events.emit(event, payload),
    listenerCount: (event: EventName) => events.listenerCount(event),
    setBehaviour: (fn: typeof behaviour) => (behaviour = fn),
  };
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http rather than fetch: tests need to forge Host and Origin headers. */
function raw(
  host: WebHost,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

describe('web host', () => {
  let dir: string;
  let rendererDir: string;
  let host: WebHost;
  let fake: ReturnType<typeof fakeCore>;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guichet-webhost-'));
    rendererDir = join(dir, 'renderer');
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Guichet</title>');
    writeFileSync(join(rendererDir, 'assets', 'app-1234.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'NE PAS SERVIR');
    symlinkSync(join(dir, 'secret.txt'), join(rendererDir, 'lien.txt'));
    fake = fakeCore();
    host = await startWebHost({ core: fake.core, rendererDir, heartbeatMs: 50, bodyLimit: 4096 });
  });

  afterEach(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const api = (channel: string, input: unknown, headers: Record<string, string> = {}) =>
    fetch(`${host.origin}/api/invoke/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-guichet-secret': host.secret, ...headers },
      body: JSON.stringify(input),
    });

  it('listens on the loopback and prints a URL carrying the secret in the fragment', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#secret=${host.secret}`);
    expect(host.secret.length).toBeGreaterThanOrEqual(40);
  });

  it('keeps one address per data folder across restarts: same secret (0600 file), same port when free', async () => {
    const data = join(dir, 'data');
    mkdirSync(data);
    const first = await startWebHost({ core: fake.core, rendererDir, dataDir: data });
    const { url, secret, port } = first;
    await first.close();
    expect(statSync(join(data, 'webhost.json')).mode & 0o777).toBe(0o600);

    // Restarted: the tab's secret and the bookmarked address still work.
    const again = await startWebHost({ core: fake.core, rendererDir, dataDir: data });
    try {
      expect(again.url).toBe(url);
      const res = await fetch(`${again.origin}/api/invoke/session:get`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-guichet-secret': secret },
        body: 'null',
      });
      expect(res.status).toBe(200);
    } finally {
      await again.close();
    }

    // Its port taken meanwhile: another one, same secret, remembered for next time.
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', r));
    try {
      const moved = await startWebHost({ core: fake.core, rendererDir, dataDir: data });
      expect(moved.port).not.toBe(port);
      expect(moved.secret).toBe(secret);
      await moved.close();
      const next = await startWebHost({ core: fake.core, rendererDir, dataDir: data });
      expect(next.port).toBe(moved.port);
      await next.close();
    } finally {
      squatter.close();
    }
    // Another data folder: another secret.
    const other = join(dir, 'other');
    mkdirSync(other);
    const stranger = await startWebHost({ core: fake.core, rendererDir, dataDir: other });
    expect(stranger.secret).not.toBe(secret);
    await stranger.close();
  });

  it('refuses to bind a non-loopback address', async () => {
    await expect(startWebHost({ core: fake.core, rendererDir, host: '0.0.0.0' as '127.0.0.1' })).rejects.toThrow(/non-loopback/);
  });

  it('serves the renderer with a strict CSP and falls back to index.html for client routes', async () => {
    const index = await fetch(`${host.origin}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(index.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await index.text()).toContain('<title>Guichet</title>');

    const route = await fetch(`${host.origin}/electeurs/demandes`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>Guichet</title>');

    const asset = await fetch(`${host.origin}/assets/app-1234.js`);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(await asset.text()).toBe('console.log(1)');

    expect((await fetch(`${host.origin}/assets/absent.js`)).status).toBe(404);
  });

  it('never serves a file outside the renderer folder (traversal, encoded traversal, symlink)', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/lien.txt', '/%00']) {
      const res = await raw(host, path);
      expect(res.body, path).not.toContain('NE PAS SERVIR');
      expect([400, 404], path).toContain(res.status);
    }
  });

  it('answers 401 without the secret or with a wrong one, and never reaches the core', async () => {
    expect((await api('session:get', null, { 'x-guichet-secret': '' })).status).toBe(401);
    const wrong = await api('session:get', null, { 'x-guichet-secret': 'x'.repeat(host.secret.length) });
    expect(wrong.status).toBe(401);
    const body = (await wrong.json()) as Envelope<unknown>;
    expect(body).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    // A query-string secret is only for EventSource, not for invoke.
    const viaQuery = await fetch(`${host.origin}/api/invoke/session:get?secret=${host.secret}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'null',
    });
    expect(viaQuery.status).toBe(401);
    expect(fake.calls).toHaveLength(0);
  });

  it('routes a channel to the core, decoding and encoding bytes on the way', async () => {
    fake.setBehaviour(async () => ({ ok: true, value: { report: new Uint8Array([1, 2, 3]) } }));
    const res = await api('electoral:import-preview', { fileName: 'liste.csv', content: { $bytes: 'AP8=' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, value: { report: { $bytes: 'AQID' } } });
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0].channel).toBe('electoral:import-preview');
    const input = fake.calls[0].input as { content: Uint8Array };
    expect(input.content).toBeInstanceOf(Uint8Array);
    expect(Array.from(input.content)).toEqual([0, 255]);
  });

  it('answers error envelopes from the core as data, and a throwing core as an internal error', async () => {
    fake.setBehaviour(async () => ({ ok: false, error: { code: 'forbidden', message: "Vous n'avez pas le droit." } }));
    expect(await (await api('accounts:users', null)).json()).toEqual({
      ok: false,
      error: { code: 'forbidden', message: "Vous n'avez pas le droit." },
    });
    fake.setBehaviour(async () => {
      throw new Error('boom');
    });
    const res = await api('accounts:users', null);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('answers 404 with a not_found envelope for an unknown channel', async () => {
    const res = await api('admin:drop-everything', null);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(fake.calls).toHaveLength(0);
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin, accepts its own origin', async () => {
    const body = 'null';
    const base = { 'content-type': 'application/json', 'x-guichet-secret': host.secret };
    const rebinding = await raw(host, '/api/invoke/session:get', {
      method: 'POST',
      headers: { ...base, host: `evil.example:${host.port}` },
      body,
    });
    expect(rebinding.status).toBe(403);
    expect((await raw(host, '/', { headers: { host: `evil.example:${host.port}` } })).status).toBe(403);
    const foreign = await raw(host, '/api/invoke/session:get', {
      method: 'POST',
      headers: { ...base, origin: 'http://evil.example' },
      body,
    });
    expect(foreign.status).toBe(403);
    expect(fake.calls).toHaveLength(0);
    const own = await raw(host, '/api/invoke/session:get', {
      method: 'POST',
      headers: { ...base, origin: host.origin, host: `localhost:${host.port}` },
      body,
    });
    expect(own.status).toBe(200);
    expect(fake.calls).toHaveLength(1);
  });

  it('refuses a body over the limit with 413', async () => {
    const res = await api('electoral:import-preview', { fileName: 'gros.csv', content: { $bytes: 'A'.repeat(8000) } });
    expect(res.status).toBe(413);
    expect(fake.calls).toHaveLength(0);
  });

  it('accepts up to 200 MB by default and refuses a larger declared body before reading it', async () => {
    const big = await startWebHost({ core: fake.core, rendererDir });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: big.port,
            path: '/api/invoke/electoral:import-preview',
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-guichet-secret': big.secret,
              'content-length': String(200 * 1024 * 1024 + 1),
            },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.write('{'); // the rest never comes: the answer must not wait for it
      });
      expect(status).toBe(413);
      const ok = await fetch(`${big.origin}/api/invoke/session:get`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-guichet-secret': big.secret },
        body: JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }),
      });
      expect(ok.status).toBe(200);
    } finally {
      await big.close();
    }
  });

  it('refuses malformed JSON and non-JSON content types', async () => {
    const bad = await fetch(`${host.origin}/api/invoke/session:get`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-guichet-secret': host.secret },
      body: '{',
    });
    expect(bad.status).toBe(400);
    const form = await fetch(`${host.origin}/api/invoke/session:get`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-guichet-secret': host.secret },
      body: 'null',
    });
    expect(form.status).toBe(415);
    expect(fake.calls).toHaveLength(0);
  });

  it('streams core events over SSE with heartbeats, and unsubscribes when the client leaves', async () => {
    expect((await fetch(`${host.origin}/api/events`)).status).toBe(401);

    const controller = new AbortController();
    const res = await fetch(`${host.origin}/api/events?secret=${host.secret}`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    const readUntil = async (needle: string) => {
      while (!received.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        received += decoder.decode(value);
      }
    };
    await readUntil(': connecté');
    expect(fake.listenerCount('sync:state')).toBe(1);
    expect(fake.listenerCount('electoral:import-progress')).toBe(1);

    fake.emit('electoral:import-progress', { phase: 'lecture', done: 1, total: 3 });
    await readUntil('\n\n');
    await readUntil('event: electoral:import-progress\ndata: {"phase":"lecture","done":1,"total":3}\n\n');
    await readUntil(': ping');

    controller.abort();
    await expect.poll(() => fake.listenerCount('sync:state')).toBe(0);
    expect(fake.listenerCount('electoral:import-progress')).toBe(0);
  });

  it('closes while an event stream is still open', async () => {
    const res = await fetch(`${host.origin}/api/events?secret=${host.secret}`);
    expect(res.status).toBe(200);
    await host.close();
    await expect.poll(() => fake.listenerCount('sync:state')).toBe(0);
    host = await startWebHost({ core: fake.core, rendererDir }); // afterEach closes this one
  });

  it('does not write an event into a stream it is closing (write after end would crash the core)', async () => {
    const res = await fetch(`${host.origin}/api/events?secret=${host.secret}`);
    expect(res.status).toBe(200);
    await expect.poll(() => fake.listenerCount('sync:state')).toBe(1);
    const closing = host.close();
    // The core keeps emitting while the host shuts down (a sync cycle ending).
    fake.emit('sync:state', { phase: 'idle' });
    await closing;
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.listenerCount('sync:state')).toBe(0);
    host = await startWebHost({ core: fake.core, rendererDir }); // afterEach closes this one
  });
});
