import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, REPLAY_CSP, registerConsoleApp } from './static.js';

const metaOf = (file: string) =>
  /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(
    readFileSync(new URL(`../../renderer/${file}`, import.meta.url), 'utf8'),
  )?.[1];
const withoutAncestors = (csp: string) => csp.replace(/; frame-ancestors [^;]+$/, '');

/** The console keeps `style-src 'self'`; only the framed assistance replay allows the inline styles rrweb rebuilds. */
describe('console pages and their Content-Security-Policy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-console-static-'));
  writeFileSync(join(dir, 'console.html'), '<!doctype html><title>Console</title>');
  writeFileSync(join(dir, 'replay.html'), '<!doctype html><title>Replay</title>');
  writeFileSync(join(dir, 'app.js'), 'export {};');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the console with style-src self and no framing, the replay alone with inline styles, framable by the console only', async () => {
    const app = Fastify();
    await registerConsoleApp(app, dir);
    const page = await app.inject({ method: 'GET', url: '/console/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("style-src 'self';");
    expect(CONSOLE_CSP).not.toContain('unsafe-inline');
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');

    const replay = await app.inject({ method: 'GET', url: '/console/replay.html' });
    expect(replay.headers['content-security-policy']).toBe(REPLAY_CSP);
    expect(REPLAY_CSP).toContain("style-src 'self' 'unsafe-inline'");
    expect(REPLAY_CSP).toContain("frame-ancestors 'self'");
    expect(REPLAY_CSP).not.toMatch(/connect-src|script-src [^;]*unsafe/);
    expect(replay.headers['x-frame-options']).toBe('SAMEORIGIN');

    const script = await app.inject({ method: 'GET', url: '/console/app.js' });
    expect(script.headers['content-security-policy']).toBeUndefined();
    await app.close();
  });

  it('the pages carry the same policies in their meta tag (what a meta can hold)', () => {
    expect(metaOf('console.html')).toBe(withoutAncestors(CONSOLE_CSP));
    expect(metaOf('replay.html')).toBe(withoutAncestors(REPLAY_CSP));
  });
});
