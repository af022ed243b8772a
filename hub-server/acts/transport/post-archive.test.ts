import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateCertificate } from '../../prefecture-sim/self-signed-cert.js';
import { closeEndpoint, postArchive, PostArchiveError, type MinistryEndpoint } from './post-archive.js';

/**
 * A platform that answers, then drops the connection in the middle of its
 * answer: the POST must settle (maybe delivered, so the forwarder parks the
 * row as uncertain), never leave an 'error' event unhandled (that would kill
 * the hub) nor hang the forwarder's pass.
 */
describe('postArchive when the answer is cut', () => {
  let dir: string;
  let server: https.Server;
  let endpoint: MinistryEndpoint;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guichet-post-'));
    const cert = await loadOrCreateCertificate(dir);
    server = https.createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
      req.on('data', () => {});
      req.on('end', () => {
        res.writeHead(201, { 'content-length': '1000' });
        res.write('partial answer');
        setTimeout(() => req.socket.destroy(), 20);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    endpoint = { url: `https://127.0.0.1:${(server.address() as { port: number }).port}/actes`, caCertPem: cert.certPem, timeoutMs: 5000 };
  });
  afterAll(async () => {
    closeEndpoint(endpoint);
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects with maybeDelivered instead of crashing or hanging', async () => {
    const outcome = await Promise.race([
      postArchive(endpoint, 'GUI-EACT--211003744--20261120-1.tar.gz', Buffer.from('archive')).then(
        () => 'resolved',
        (err: unknown) => err,
      ),
      new Promise((r) => setTimeout(() => r('hung'), 3000)),
    ]);
    expect(outcome).toBeInstanceOf(PostArchiveError);
    expect((outcome as PostArchiveError).maybeDelivered).toBe(true);
  });
});
