import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpExecutor } from 'builder-util-runtime';
import { GenericProvider } from 'electron-updater/out/providers/GenericProvider.js';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateFeedUrl } from '../../electron/updates/update-service.js';
import { registerUpdateRoutes } from '../../hub-server/updates/routes.js';

/** electron-updater's HTTP layer over plain node:http (its default executor needs Electron's net module). */
class NodeHttpExecutor extends HttpExecutor<ClientRequest> {
  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest {
    return httpRequest(options, callback);
  }
}

function provider(feedUrl: string, platform: 'win32' | 'linux') {
  // The updater argument only needs `channel` and `isAddNoCacheQuery` for the generic provider.
  const updater = { channel: null, isAddNoCacheQuery: false } as unknown as ConstructorParameters<typeof GenericProvider>[1];
  // The runtime options type names Electron's executor; any HttpExecutor does the same job for these calls.
  const executor = new NodeHttpExecutor() as unknown as ConstructorParameters<typeof GenericProvider>[2]['executor'];
  return new GenericProvider({ provider: 'generic', url: feedUrl }, updater, { platform, executor, isUseMultipleRangeRequest: false });
}

describe('update feed: electron-updater GenericProvider against the hub route', () => {
  let dir: string;
  let app: FastifyInstance;
  let hubUrl: string;
  const installer = Buffer.from('MZ — faux installateur Guichet 0.2.0 '.repeat(2000));
  const sha512 = createHash('sha512').update(installer).digest('base64');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guichet-feed-'));
    const feed = join(dir, 'updates');
    mkdirSync(feed);
    writeFileSync(join(feed, 'Guichet-Setup-0.2.0.exe'), installer);
    writeFileSync(
      join(feed, 'latest.yml'),
      `version: 0.2.0\nfiles:\n  - url: Guichet-Setup-0.2.0.exe\n    sha512: ${sha512}\n    size: ${installer.length}\npath: Guichet-Setup-0.2.0.exe\nsha512: ${sha512}\nreleaseDate: '2026-11-20T10:00:00.000Z'\n`,
    );
    writeFileSync(
      join(feed, 'latest-linux.yml'),
      `version: 0.2.1\nfiles:\n  - url: guichet-0.2.1.AppImage\n    sha512: ${sha512}\n    size: 1\npath: guichet-0.2.1.AppImage\nsha512: ${sha512}\nreleaseDate: '2026-11-21T10:00:00.000Z'\n`,
    );
    writeFileSync(join(dir, 'hub.sqlite'), 'ne pas servir');
    app = Fastify();
    registerUpdateRoutes(app, { dir: feed });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address() as { port: number };
    hubUrl = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads version, release date and files of the Windows channel, and the installer matches its sha512', async () => {
    const p = provider(updateFeedUrl(hubUrl), 'win32');
    const info = await p.getLatestVersion();
    expect(info.version).toBe('0.2.0');
    expect(info.releaseDate).toBe('2026-11-20T10:00:00.000Z');
    const files = p.resolveFiles(info);
    expect(files).toHaveLength(1);
    expect(files[0].url.href).toBe(`${hubUrl}/updates/Guichet-Setup-0.2.0.exe`);

    // What electron-updater then downloads and checks before installing.
    const download = await fetch(files[0].url);
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(createHash('sha512').update(bytes).digest('base64')).toBe(files[0].info.sha512);
  });

  it('reads latest-linux.yml on Linux', async () => {
    const info = await provider(updateFeedUrl(`${hubUrl}/`), 'linux').getLatestVersion();
    expect(info.version).toBe('0.2.1');
  });

  it('reports a missing channel file as electron-updater does (no update, no crash)', async () => {
    const p = provider(`${hubUrl}/updates/absent/`, 'win32');
    await expect(p.getLatestVersion()).rejects.toMatchObject({ code: 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND' });
  });
});
