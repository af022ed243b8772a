import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTrustAnchor, addTrustCrl } from '../../hub-server/acts/trust-list.js';
import { frenchDay, parisDay } from '../../shared/calendar.js';
import { createTestHub } from '../../hub-server/test-support.js';
import { P12_PASSWORD, makePdf, makePki, pdfsig, type Pki, revokeAndCrl } from './test-fixtures.js';

const GUICHET = resolve(import.meta.dirname, '../../build/guichet.mjs');
let dir: string;
let pki: Pki;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'guichet-signcli-'));
  pki = makePki(join(dir, 'pki'));
  await makePdf(join(dir, 'acte.pdf'), { objectStreams: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function guichet(args: string[], opts: { password?: string; input?: string } = {}) {
  const env = { ...process.env };
  delete env.GUICHET_P12_PASSWORD;
  if (opts.password !== undefined) env.GUICHET_P12_PASSWORD = opts.password;
  const r = spawnSync(process.execPath, [GUICHET, ...args], { cwd: dir, env, input: opts.input ?? '', encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Same, without blocking this process (the hub it calls runs in it). */
function guichetAsync(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [GUICHET, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

// Each case starts the real `guichet` (tsx) process: seconds apiece on a loaded 2-core machine.
describe('guichet sign / guichet verify', { timeout: 180_000 }, () => {
  it('signs with the password from GUICHET_P12_PASSWORD, shows the certificate, never prints the password', () => {
    const r = guichet(
      ['sign', 'acte.pdf', '--p12', pki.p12Aes, '--out', 'acte-signe.pdf', '--reason', 'Délibération', '--location', 'Évreux'],
      { password: P12_PASSWORD },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Titulaire : Jeanne Dupont, Mairie d'Évreux");
    expect(r.stdout).toContain('Émetteur : AC Test Guichet, Département Test');
    expect(r.stdout).toContain('PDF signé : acte-signe.pdf');
    expect(r.stdout + r.stderr).not.toContain(P12_PASSWORD);
    const [sig] = pdfsig(join(dir, 'acte-signe.pdf'));
    expect(sig.valid && sig.totalDocumentSigned).toBe(true);
  });

  it('reads the password from stdin when it is not a terminal', () => {
    const r = guichet(['sign', 'acte.pdf', '--p12', pki.p12Legacy, '--out', 'acte-stdin.pdf'], { input: `${P12_PASSWORD}\n` });
    expect(r.code).toBe(0);
    expect(pdfsig(join(dir, 'acte-stdin.pdf'))[0].valid).toBe(true);
  });

  it('exits 1 with a French message on a wrong password, and writes nothing', () => {
    const r = guichet(['sign', 'acte.pdf', '--p12', pki.p12Aes, '--out', 'refuse.pdf'], { password: 'Mairie-Evreux-2026' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('Mot de passe du certificat incorrect.');
    expect(existsSync(join(dir, 'refuse.pdf'))).toBe(false);
  });

  it('exits 1 on an expired certificate', () => {
    const r = guichet(['sign', 'acte.pdf', '--p12', pki.p12Expired, '--out', 'refuse.pdf'], { password: P12_PASSWORD });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('Le certificat a expiré le 12/03/2025 : demandez son renouvellement à votre autorité de certification.');
  });

  it('exits 1 when the certificate file does not exist', () => {
    const r = guichet(['sign', 'acte.pdf', '--p12', 'absent.p12', '--out', 'refuse.pdf'], { password: P12_PASSWORD });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Fichier introuvable');
  });

  it('exits 2 on usage errors: missing --out, no password source, output = input', () => {
    expect(guichet(['sign', 'acte.pdf', '--p12', pki.p12Aes], { password: P12_PASSWORD }).code).toBe(2);
    const noPassword = guichet(['sign', 'acte.pdf', '--p12', pki.p12Aes, '--out', 'x.pdf']);
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toContain('GUICHET_P12_PASSWORD');
    expect(guichet(['sign', 'acte.pdf', '--p12', pki.p12Aes, '--out', 'acte.pdf'], { password: P12_PASSWORD }).code).toBe(2);
  });

  it('verifies: 0 and a JSON report for a valid file, 1 for a tampered or unsigned one', () => {
    const ok = guichet(['verify', 'acte-signe.pdf', '--json']);
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout) as { valid: boolean; signatures: Array<Record<string, unknown>> };
    expect(report.valid).toBe(true);
    expect(report.signatures[0]).toMatchObject({
      signerName: 'Jeanne Dupont',
      coversWholeDocument: true,
      digestOk: true,
      signatureOk: true,
    });

    const human = guichet(['verify', 'acte-signe.pdf']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('Signature n°1 (Signature1) : valide');

    const bytes = readFileSync(join(dir, 'acte-signe.pdf'));
    const at = bytes.indexOf('stream', bytes.indexOf('/Length'), 'latin1') + 10;
    bytes[at] ^= 0x01;
    writeFileSync(join(dir, 'acte-modifie.pdf'), bytes);
    const bad = guichet(['verify', 'acte-modifie.pdf']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('NON CONFORME');

    expect(guichet(['verify', 'acte.pdf']).code).toBe(1);
  });

  it('judges the certificate against the département’s trust list: a PEM file or the hub’s list', async () => {
    const other = makePki(join(dir, 'autre'), { caName: 'AC Autre' });
    const trusted = guichet(['verify', 'acte-signe.pdf', '--trust-list', pki.caPem]);
    expect(trusted.code).toBe(0);
    expect(trusted.stdout).toContain('Signature n°1 (Signature1) : signature valide, certificat reconnu (AC Test Guichet)');
    const unknown = guichet(['verify', 'acte-signe.pdf', '--trust-list', other.caPem]);
    expect(unknown.code).toBe(0);
    expect(unknown.stdout).toContain('Signature n°1 (Signature1) : signature valide, certificat non reconnu');
    expect(guichet(['verify', 'acte-signe.pdf']).stdout).toContain('aucune liste de confiance');

    const hub = await createTestHub('sqlite');
    try {
      await addTrustAnchor(hub.db, readFileSync(pki.caPem));
      const url = await hub.app.listen({ port: 0, host: '127.0.0.1' });
      const fromHub = await guichetAsync(['verify', 'acte-signe.pdf', '--hub', url, '--json']);
      expect(fromHub.code, fromHub.stderr).toBe(0);
      expect(JSON.parse(fromHub.stdout).signatures[0].trust).toEqual({ trusted: true, ca: 'AC Test Guichet', problem: null });

      // The CA revokes the signer's certificate; the département adds its CRL to the hub's list.
      await addTrustCrl(hub.db, revokeAndCrl(pki, pki.signerPem));
      const revoked = await guichetAsync(['verify', 'acte-signe.pdf', '--hub', url]);
      expect(revoked.code, revoked.stderr).toBe(0); // the bytes are intact: the exit code says integrity
      expect(revoked.stdout).toContain(
        `Signature n°1 (Signature1) : signature valide, certificat révoqué le ${frenchDay(parisDay(new Date()))}`,
      );
    } finally {
      await hub.close();
    }
  });
});
