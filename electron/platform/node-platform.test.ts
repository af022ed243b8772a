import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodePlatform } from './node-platform.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'guichet-platform-'));
  dirs.push(d);
  return d;
}

describe('node platform', () => {
  it('keeps secrets in a file only its owner can read, across instances', async () => {
    const dir = dataDir();
    const p1 = createNodePlatform({ dataDir: dir, deviceName: 'PC accueil' });
    expect(p1.secrets.kind).toBe('file');
    expect(p1.deviceName).toBe('PC accueil');
    await p1.secrets.set('hub-session-token', 'abc');
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    const p2 = createNodePlatform({ dataDir: dir });
    expect(await p2.secrets.get('hub-session-token')).toBe('abc');
    await p2.secrets.delete('hub-session-token');
    expect(await p1.secrets.get('hub-session-token')).toBeNull();
  });

  it('writes JSON log lines to dataDir/logs without tokens, passwords or typed data', () => {
    const dir = dataDir();
    const { log } = createNodePlatform({ dataDir: dir, logLevel: 'info' });
    log.info(
      {
        token: 'tok-secret',
        headers: { authorization: 'Bearer tok-secret' },
        input: { password: 'motdepasse', applicant: { birthName: 'DUPONT' } },
        mutationId: 7,
      },
      'hello',
    );
    const lines = readFileSync(join(dir, 'logs', 'guichet.log'), 'utf8')
      .trim()
      .split('\n');
    const last = JSON.parse(lines.at(-1)!);
    expect(last.msg).toBe('hello');
    expect(last.mutationId).toBe(7);
    const text = lines.join('\n');
    expect(text).not.toContain('tok-secret');
    expect(text).not.toContain('motdepasse');
    expect(text).not.toContain('DUPONT');
  });
});
