import { EventEmitter } from 'node:events';
import fs, { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CoreApi } from './core-api.js';
import { startWebHost } from './server.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('web host static files', () => {
  it('answers a file that vanished after it was resolved by dropping the request, without crashing the core', async () => {
    const events = new EventEmitter();
    const core: CoreApi = {
      invoke: async () => ({ ok: true, value: null }),
      on: (e, l) => {
        events.on(e, l as never);
        return () => events.off(e, l as never);
      },
    };
    const rendererDir = mkdtempSync(join(tmpdir(), 'guichet-renderer-'));
    mkdirSync(join(rendererDir, 'assets'));
    writeFileSync(join(rendererDir, 'assets', 'gone.js'), 'console.log(1)');
    // A file resolved, then gone before it is read (a renderer rebuilt while the page loads):
    // the file is removed between the stat that found it and the read.
    const createReadStream = fs.createReadStream;
    vi.spyOn(fs, 'createReadStream').mockImplementation(((path: fs.PathLike, options?: unknown) => {
      if (String(path).endsWith('gone.js')) rmSync(path);
      return createReadStream(path, options as never);
    }) as typeof fs.createReadStream);
    const host = await startWebHost({ core, rendererDir });
    try {
      const outcome = await new Promise<string>((resolve) => {
        const req = get(
          { host: '127.0.0.1', port: host.port, path: '/assets/gone.js', headers: { host: `127.0.0.1:${host.port}` } },
          (res) => {
            res.on('data', () => undefined);
            res.on('end', () => resolve('ended'));
            res.on('error', () => resolve('dropped'));
            res.on('aborted', () => resolve('dropped'));
          },
        );
        req.on('error', () => resolve('dropped'));
      });
      expect(outcome).toBe('dropped');
      // Still serving.
      const status = await new Promise<number>((resolve, reject) =>
        get({ host: '127.0.0.1', port: host.port, path: '/api/events', headers: { host: `127.0.0.1:${host.port}` } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject),
      );
      expect(status).toBe(401);
    } finally {
      await host.close();
      rmSync(rendererDir, { recursive: true, force: true });
    }
  });
});
