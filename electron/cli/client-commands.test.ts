import { Command, CommanderError } from 'commander';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { issueEnrollmentCode } from '../../hub-server/accounts/admin.js';
import { createTestHub, type TestHub } from '../../hub-server/test-support.js';
import { register } from './client-commands.js';

/** Runs `guichet client …` in this process (the real command code), capturing its output and exit code. */
async function guichet(args: string[], password?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = new Command('guichet').exitOverride();
  let stdout = '';
  let stderr = '';
  const toStdout = (s: string | Uint8Array) => {
    stdout += String(s);
    return true;
  };
  const toStderr = (s: string | Uint8Array) => {
    stderr += String(s);
    return true;
  };
  program.configureOutput({ writeErr: toStderr, writeOut: toStdout });
  register(program);
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(toStdout);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(toStderr);
  if (password) process.env.GUICHET_PASSWORD = password;
  process.exitCode = undefined;
  let code: number;
  try {
    await program.parseAsync(['node', 'guichet', ...args]);
    code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    code = e.exitCode === 0 ? 0 : 2;
  } finally {
    out.mockRestore();
    err.mockRestore();
    delete process.env.GUICHET_PASSWORD;
    process.exitCode = undefined;
  }
  return { code, stdout, stderr };
}

let hub: TestHub;
let hubUrl: string;
beforeAll(async () => {
  hub = await createTestHub('sqlite');
  hubUrl = await hub.listen();
  await hub.seedCommune({ insee: '10387', services: ['electoral'] });
});
afterAll(async () => hub.close());

const PASSWORD = 'un-mot-de-passe-solide';

describe('guichet client (headless)', () => {
  it('enrolls, imports an extract, searches it and syncs, all through the core API', async () => {
    const data = mkdtempSync(join(tmpdir(), 'guichet-cli-client-'));
    const { code: enrollCode } = await issueEnrollmentCode(hub.db, '10387');
    const enrolled = await guichet(
      [
        'client',
        'enroll',
        '--hub',
        hubUrl,
        '--code',
        enrollCode,
        '--data',
        data,
        '--username',
        'agent.accueil',
        '--name',
        'Agent Accueil',
        '--device',
        'PC accueil',
        '--json',
      ],
      PASSWORD,
    );
    expect(enrolled.code).toBe(0);
    expect(JSON.parse(enrolled.stdout)).toMatchObject({
      ok: true,
      value: { status: 'logged_in', commune: { insee: '10387' }, deviceName: 'PC accueil' },
    });

    const csv = join(data, 'extrait.csv');
    writeFileSync(
      csv,
      [
        'libellé du type de liste;nom de naissance;prénoms;date de naissance;code du bureau de vote',
        'Liste principale;DURAND;Paul;12/03/1950;0001',
        'Liste principale;LEFÈVRE;Anne Marie;01/01/1980;0002',
      ].join('\n'),
    );
    const notConfirmed = await guichet(['client', 'import-electoral', csv, '--data', data]);
    expect(notConfirmed.code).toBe(1);
    expect(notConfirmed.stdout).toMatch(/2 électeurs/);
    const imported = await guichet(['client', 'import-electoral', csv, '--data', data, '--yes', '--json']);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ ok: true, value: { preview: { total: 2 }, sync: { pending: 0, online: true } } });

    const found = await guichet(['client', 'search', 'lefevre', '--data', data, '--json']);
    expect(found.code).toBe(0);
    expect(JSON.parse(found.stdout)).toMatchObject({ ok: true, value: { total: 1, items: [{ birthName: 'LEFÈVRE' }] } });
    const human = await guichet(['client', 'search', 'durand', '--data', data]);
    expect(human.stdout).toMatch(/DURAND Paul/);

    const synced = await guichet(['client', 'sync', '--data', data, '--json']);
    expect(synced.code).toBe(0);
    expect(JSON.parse(synced.stdout).value).toMatchObject({ online: true, pending: 0, lastError: null });

    // A second PC logs in and receives the import from the hub.
    const data2 = mkdtempSync(join(tmpdir(), 'guichet-cli-client-'));
    expect(
      (await guichet(['client', 'login', '--hub', hubUrl, '--insee', '10387', '--username', 'agent.accueil', '--data', data2], PASSWORD))
        .code,
    ).toBe(0);
    expect((await guichet(['client', 'sync', '--data', data2])).code).toBe(0);
    expect(JSON.parse((await guichet(['client', 'search', 'durand', '--data', data2, '--json'])).stdout).value.total).toBe(1);
  });

  it('exit codes: 1 refused, 2 usage, 3 hub unreachable', async () => {
    const data = mkdtempSync(join(tmpdir(), 'guichet-cli-client-'));
    const wrong = await guichet(
      ['client', 'login', '--hub', hubUrl, '--insee', '10387', '--username', 'maire', '--data', data],
      'mauvais-mot-de-passe',
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^Erreur : /);
    expect((await guichet(['client', 'search', 'x', '--data', data])).code).toBe(1); // not logged in
    expect((await guichet(['client', 'search', '--data', data])).code).toBe(2);
    // No password in the environment and nothing on stdin (closed, as under cron): a usage error, not a hang.
    const launcher = new URL('../../build/guichet.mjs', import.meta.url).pathname;
    const { GUICHET_PASSWORD: _unset, ...envWithout } = process.env;
    const noPassword = spawnSync(
      process.execPath,
      [launcher, 'client', 'login', '--hub', hubUrl, '--insee', '10387', '--username', 'maire', '--data', data],
      { stdio: ['ignore', 'pipe', 'pipe'], env: envWithout, encoding: 'utf8' },
    );
    expect(noPassword.status).toBe(2);
    expect(noPassword.stderr).toContain('GUICHET_PASSWORD');
    const down = await guichet(
      ['client', 'login', '--hub', 'http://127.0.0.1:9', '--insee', '10387', '--username', 'maire', '--data', data, '--json'],
      PASSWORD,
    );
    expect(down.code).toBe(3);
    expect(JSON.parse(down.stdout)).toMatchObject({ ok: false, error: { code: 'offline' } });
  });

  it('is wired into the launcher: `client serve` opens the UI API on loopback and stops cleanly', async () => {
    const root = new URL('../../', import.meta.url).pathname;
    const data = mkdtempSync(join(tmpdir(), 'guichet-cli-client-'));
    const child = spawn(process.execPath, [join(root, 'build/guichet.mjs'), 'client', 'serve', '--hub', hubUrl, '--data', data], {
      cwd: tmpdir(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+\/#secret=\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      void exited.then(() => reject(new Error(`serve exited: ${out}`)));
    });
    try {
      const [origin, secret] = url.split('/#secret=');
      const res = await fetch(`${origin}/api/invoke/session:get`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-guichet-secret': secret },
        body: 'null',
      });
      expect(await res.json()).toMatchObject({ ok: true, value: { status: 'not_enrolled' } });
      expect(out).toContain(`Hub à utiliser pour l'inscription : ${hubUrl}`);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
