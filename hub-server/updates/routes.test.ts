import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUpdateRoutes } from './routes.js';

/** Raw path on the wire (fetch would normalise "..") */
function get(port: number, path: string, method = 'GET'): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('hub update routes', () => {
  let dir: string;
  let app: FastifyInstance;
  let port: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guichet-updates-'));
    mkdirSync(join(dir, 'updates', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'updates', 'latest.yml'), 'version: 1.0.0\n');
    writeFileSync(join(dir, 'updates', 'Guichet-Setup-1.0.0.exe'), 'MZ-installer');
    writeFileSync(join(dir, 'updates', '.env'), 'SECRET=1');
    writeFileSync(join(dir, 'hub.sqlite'), 'BASE DE DONNEES');
    symlinkSync(join(dir, 'hub.sqlite'), join(dir, 'updates', 'lien.yml'));
    app = Fastify();
    registerUpdateRoutes(app, { dir: join(dir, 'updates') });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the channel file uncached and installers with their length, HEAD included', async () => {
    const yml = await get(port, '/updates/latest.yml');
    expect(yml.status).toBe(200);
    expect(yml.body).toBe('version: 1.0.0\n');
    expect(yml.headers['cache-control']).toBe('no-cache');
    const exe = await get(port, '/updates/Guichet-Setup-1.0.0.exe');
    expect(exe.body).toBe('MZ-installer');
    const head = await get(port, '/updates/Guichet-Setup-1.0.0.exe', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('12');
    expect(head.body).toBe('');
  });

  it('answers 404 for anything else: traversal, dot-files, folders, symlinks out, absent files', async () => {
    for (const path of [
      '/updates/..%2Fhub.sqlite',
      '/updates/%2e%2e%2fhub.sqlite',
      '/updates/../hub.sqlite',
      '/updates/.env',
      '/updates/sub',
      '/updates/lien.yml',
      '/updates/absent.yml',
      '/updates/',
    ]) {
      const res = await get(port, path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toContain('BASE DE DONNEES');
      expect(res.body, path).not.toContain('SECRET');
    }
  });

  it('is read-only', async () => {
    expect((await get(port, '/updates/latest.yml', 'PUT')).status).toBe(404);
    expect((await get(port, '/updates/latest.yml', 'DELETE')).status).toBe(404);
  });
});
