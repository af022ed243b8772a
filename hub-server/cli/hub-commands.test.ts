import { execFile, execFileSync, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionGrant } from '../../shared/accounts/types.js';
import { buildHub } from '../app.js';
import { openHubDb } from '../db/open.js';
import { createHubLogger } from '../log.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const GUICHET = join(ROOT, 'build/guichet.mjs');

function guichet(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const { DATABASE_URL: _ignored, ...base } = process.env;
    execFile(
      process.execPath,
      [GUICHET, ...args],
      { cwd: ROOT, env: { ...base, GUICHET_LOG_LEVEL: 'silent', ...env } },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

// Each spawn starts tsx from scratch (seconds on a loaded machine): the verbs' logic is covered in accounts/admin.test.ts.
describe('guichet hub admin (CLI, SQLite data dir)', { timeout: 90_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'guichet-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('registers a commune from the official code, refuses unknown codes and a missing target', async () => {
    const ok = await guichet(['hub', 'admin', 'add-collectivite', '--insee', '10387', '--services', 'electoral', '--data', dir]);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toContain('Collectivité inscrite (commune) : Troyes (10387, SIREN 211003744)');

    const unknown = await guichet(['hub', 'admin', 'add-collectivite', '--insee', '99999', '--data', dir]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('ne correspond à aucune commune');
    const nothing = await guichet(['hub', 'admin', 'add-collectivite', '--data', dir]);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('Indiquez le code INSEE de la commune ou le SIREN du groupement');
  });

  it('edits the département’s trust list: add a CA (PEM or DER), refuse a non-CA, list, CRL, blocking, remove by fingerprint', {
    timeout: 480_000,
  }, async () => {
    const pki = join(dir, 'pki');
    mkdirSync(pki);
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: pki, stdio: 'ignore' });
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '365',
      '-subj',
      '/CN=AC Test CLI',
    );
    openssl('x509', '-in', 'ca.pem', '-outform', 'DER', '-out', 'ca.cer');
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ee.key',
      '-out',
      'ee.pem',
      '-days',
      '365',
      '-subj',
      '/CN=Pas une AC',
      '-addext',
      'basicConstraints=critical,CA:FALSE',
    );
    const fingerprint = new X509Certificate(readFileSync(join(pki, 'ca.pem'))).fingerprint256.replace(/:/g, '').toLowerCase();

    const added = await guichet(['hub', 'admin', 'trust-list', 'add', join(pki, 'ca.cer'), '--data', dir]);
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain(`AC ajoutée : CN=AC Test CLI\nEmpreinte SHA-256 : ${fingerprint}`);
    const notCa = await guichet(['hub', 'admin', 'trust-list', 'add', join(pki, 'ee.pem'), '--data', dir]);
    expect(notCa.code).toBe(1);
    expect(notCa.stderr).toContain("n'est pas celui d'une autorité de certification");
    expect((await guichet(['hub', 'admin', 'trust-list', 'list', '--data', dir])).stdout).toMatch(
      new RegExp(`${fingerprint} +\\S+ +CN=AC Test CLI`),
    );

    // The CA's CRL (empty here; revocation itself is hub-server/acts/trust-revocation.test.ts), then the blocking setting.
    writeFileSync(join(pki, 'ca.cnf'), '[ca]\ndefault_ca = t\n[t]\ndatabase = index.txt\ndefault_md = sha256\ndefault_crl_days = 30\n');
    writeFileSync(join(pki, 'index.txt'), '');
    openssl('ca', '-config', 'ca.cnf', '-gencrl', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-out', 'crl.pem');
    const crl = await guichet(['hub', 'admin', 'trust-list', 'add-crl', join(pki, 'crl.pem'), '--data', dir]);
    expect(crl.stderr).toBe('');
    expect(crl.stdout).toContain('CRL ajoutée pour CN=AC Test CLI : 0 certificat(s) révoqué(s)');
    expect((await guichet(['hub', 'admin', 'trust-list', 'require', 'on', '--data', dir])).stdout).toContain(
      'Autorités non reconnues bloquées',
    );
    const listed = (await guichet(['hub', 'admin', 'trust-list', 'list', '--data', dir])).stdout;
    expect(listed).toContain('Autorités non reconnues : bloquées');
    expect(listed).toContain('CRL de CN=AC Test CLI : 0 certificat(s) révoqué(s)');
    expect((await guichet(['hub', 'admin', 'trust-list', 'remove', fingerprint, '--data', dir])).stdout).toContain(
      'AC retirée : CN=AC Test CLI',
    );
    expect((await guichet(['hub', 'admin', 'trust-list', 'list', '--data', dir])).stdout).toContain('La liste de confiance est vide');
  });

  it('registers an EPCI from the official list and a syndicat, refuses the electoral list for them, lists everything', async () => {
    const refused = await guichet(['hub', 'admin', 'add-collectivite', '--siren', '200069250', '--services', 'electoral', '--data', dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Refusé : Le service « Listes électorales » est réservé aux communes');
    const epci = await guichet(['hub', 'admin', 'add-collectivite', '--siren', '200069250', '--services', 'acts', '--data', dir]);
    expect(epci.code).toBe(0);
    expect(epci.stdout).toContain('CA Troyes Champagne Métropole (SIREN 200069250, 81 communes membres)');
    const syndicat = await guichet([
      'hub',
      'admin',
      'add-collectivite',
      '--siren',
      '251000113',
      '--name',
      'SIVOS de la Vallée',
      '--members',
      '10034,10387',
      '--data',
      dir,
    ]);
    expect(syndicat.code).toBe(0);
    expect(syndicat.stdout).toContain('Collectivité inscrite (syndicat) : SIVOS de la Vallée (SIREN 251000113, 2 communes membres)');
    const setElectoral = await guichet(['hub', 'admin', 'set-services', '--siren', '251000113', '--services', 'electoral', '--data', dir]);
    expect(setElectoral.code).toBe(1);
    expect(setElectoral.stderr).toContain('réservé aux communes');

    const listed = await guichet(['hub', 'admin', 'list-collectivites', '--data', dir]);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Type\s+SIREN\s+INSEE\s+Nom\s+Membres\s+Services/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/).slice(0, 3))).toEqual([
      ['commune', '211003744', '10387'],
      ['epci', '200069250', '-'],
      ['syndicat', '251000113', '-'],
    ]);
  });

  it('issues an enrollment code that enrolls the maire once, then lists and revokes the device', async () => {
    const issued = await guichet(['hub', 'admin', 'enrollment-code', '--insee', '10387', '--data', dir]);
    expect(issued.code).toBe(0);
    const code = /Code d'inscription : ([A-Z0-9-]+)/.exec(issued.stdout)?.[1];
    expect(code).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/);

    const db = await openHubDb({ file: join(dir, 'hub.sqlite') });
    const app = await buildHub({ db, log: createHubLogger({ level: 'silent' }) });
    const enroll = await app.inject({
      method: 'POST',
      url: '/api/v1/enroll',
      payload: { code, username: 'maire', displayName: 'Le maire', password: 'un-mot-de-passe-solide', deviceName: 'PC du maire' },
    });
    expect(enroll.statusCode).toBe(200);
    const grant = enroll.json<SessionGrant>();

    const devices = await guichet(['hub', 'admin', 'list-devices', '--insee', '10387', '--json', '--data', dir]);
    expect(JSON.parse(devices.stdout)).toEqual([
      expect.objectContaining({ id: grant.device.id, name: 'PC du maire', username: 'maire', revoked: false }),
    ]);
    const revoked = await guichet(['hub', 'admin', 'revoke-device', '--id', grant.device.id, '--data', dir]);
    expect(revoked.code).toBe(0);
    const after = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${grant.token}` } });
    expect(after.statusCode).toBe(401);
    await app.close();
    await db.destroy();
  });

  it('creates a département admin with the password from the environment, never printing it', async () => {
    const created = await guichet(['hub', 'admin', 'create-admin', '--username', 'helpdesk', '--data', dir], {
      GUICHET_ADMIN_PASSWORD: 'mot-de-passe-admin-long',
    });
    expect(created.code).toBe(0);
    expect(created.stdout + created.stderr).not.toContain('mot-de-passe-admin-long');
    const db = await openHubDb({ file: join(dir, 'hub.sqlite') });
    const admin = await db.selectFrom('admins').selectAll().executeTakeFirstOrThrow();
    await db.destroy();
    expect(admin.username).toBe('helpdesk');
    expect(admin.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it('serves on a free port and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [GUICHET, 'hub', 'serve', '--port', '0', '--data', dir], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '', GUICHET_LOG_LEVEL: 'warn' },
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += String(chunk);
        const m = /à l'écoute sur (http:\/\/[0-9.:]+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const health = await fetch(`${url}/health`);
    expect(await health.json()).toMatchObject({ status: 'ok', db: 'sqlite' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
