import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuichetError } from '../../shared/errors.js';
import { describeCertificate, parseCertificate } from './certificate.js';
import { signingKeyFromPkcs12 } from './key-store.js';
import { readPkcs12 } from './pkcs12.js';
import { P12_PASSWORD, makePki, opensslSerial, type Pki } from './test-fixtures.js';

let dir: string;
let pki: Pki;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'guichet-p12-'));
  pki = makePki(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function refusal(fn: () => unknown): GuichetError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GuichetError);
    return err as GuichetError;
  }
  throw new Error('expected a refusal');
}

describe('PKCS#12 import', () => {
  it.each([
    ['OpenSSL 3 default (PBES2, AES-256, PBKDF2)', 'p12Aes'],
    ['legacy (-legacy: RC2-40 + 3DES)', 'p12Legacy'],
    ['3DES with SHA-1 MAC', 'p12TripleDes'],
  ] as const)('loads a %s file with an accented password', (_label, which) => {
    const { privateKey, certificateDer, chainDer } = readPkcs12(readFileSync(pki[which]), P12_PASSWORD);
    const info = parseCertificate(certificateDer);
    expect(info.holder).toEqual({ commonName: 'Jeanne Dupont', organization: "Mairie d'Évreux" });
    expect(info.issuer).toEqual({ commonName: 'AC Test Guichet', organization: 'Département Test' });
    expect(info.serialHex).toBe(opensslSerial(pki.signerPem));
    // The CA certificate of the file becomes the chain, the key is the signer's.
    expect(chainDer).toHaveLength(1);
    expect(parseCertificate(chainDer[0]).holder.commonName).toBe('AC Test Guichet');
    // the very key openssl generated
    const expected = createPrivateKey(readFileSync(pki.signerKey)).export({ type: 'pkcs8', format: 'der' });
    expect(privateKey.export({ type: 'pkcs8', format: 'der' }).equals(expected)).toBe(true);
  });

  it.each(['p12Aes', 'p12Legacy', 'p12TripleDes'] as const)('refuses a wrong password in French (%s)', (which) => {
    const err = refusal(() => readPkcs12(readFileSync(pki[which]), 'Mairie-Evreux-2026'));
    expect(err.message).toBe('Mot de passe du certificat incorrect.');
  });

  it('refuses a file that is not PKCS#12', () => {
    const err = refusal(() => readPkcs12(readFileSync(pki.caPem), P12_PASSWORD));
    expect(err.message).toMatch(/n'est pas un certificat PKCS#12/);
  });

  it('shows holder, issuer, serial and validity in French', () => {
    const { certificate } = signingKeyFromPkcs12(readFileSync(pki.p12Aes), P12_PASSWORD, new Date());
    const lines = describeCertificate(certificate);
    expect(lines[0]).toBe("Titulaire : Jeanne Dupont, Mairie d'Évreux");
    expect(lines[1]).toBe('Émetteur : AC Test Guichet, Département Test');
    expect(lines[2]).toBe(`Numéro de série : ${opensslSerial(pki.signerPem)}`);
    expect(lines[3]).toMatch(/^Valide du \d{2}\/\d{2}\/\d{4} au \d{2}\/\d{2}\/\d{4}$/);
  });

  it('refuses an expired certificate with the date and what to do', () => {
    const err = refusal(() => signingKeyFromPkcs12(readFileSync(pki.p12Expired), P12_PASSWORD, new Date()));
    expect(err.message).toBe('Le certificat a expiré le 12/03/2025 : demandez son renouvellement à votre autorité de certification.');
  });

  it('refuses a certificate that is not valid yet', () => {
    const err = refusal(() => signingKeyFromPkcs12(readFileSync(pki.p12NotYetValid), P12_PASSWORD, new Date()));
    expect(err.message).toMatch(/^Le certificat n'est valable qu'à partir du 01\/01\/2099/);
  });

  it('accepts the same certificate inside its validity window (the check is on dates, not the file)', () => {
    const inWindow = new Date('2024-06-01T00:00:00Z');
    expect(() => signingKeyFromPkcs12(readFileSync(pki.p12Expired), P12_PASSWORD, inWindow)).not.toThrow();
  });
});
