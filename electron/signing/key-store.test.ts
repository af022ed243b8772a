import { execFileSync } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuichetError } from '../../shared/errors.js';
import { createFileSecretStore } from '../platform/node-platform.js';
import { SoftwareKeyStore } from './key-store.js';
import { P12_PASSWORD, makePki, type Pki } from './test-fixtures.js';

let dir: string;
let pki: Pki;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'guichet-keystore-'));
  pki = makePki(join(dir, 'pki'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const signerPublicKey = () => createPublicKey(readFileSync(pki.signerPem));

describe('software key store', () => {
  it('keeps the key encrypted at rest with a passphrase, and signs after unlocking', async () => {
    const store = new SoftwareKeyStore(join(dir, 'keys-pass'));
    const entry = await store.importPkcs12(readFileSync(pki.p12Aes), P12_PASSWORD, {
      kind: 'passphrase',
      passphrase: 'phrase de passe longue',
    });
    expect(entry.certificate.holder.commonName).toBe('Jeanne Dupont');

    const keyFile = join(dir, 'keys-pass', entry.id, 'key.p8.pem');
    const pem = readFileSync(keyFile, 'utf8');
    expect(pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    expect(statSync(keyFile).mode & 0o077).toBe(0);
    // openssl needs the passphrase to read it back, and then finds the signer's key.
    expect(() => execFileSync('openssl', ['pkey', '-in', keyFile, '-passin', 'pass:wrong', '-noout'], { stdio: 'pipe' })).toThrow();
    const pub = execFileSync('openssl', ['pkey', '-in', keyFile, '-passin', 'pass:phrase de passe longue', '-pubout'], {
      encoding: 'utf8',
    });
    expect(
      createPublicKey(pub)
        .export({ type: 'spki', format: 'der' })
        .equals(signerPublicKey().export({ type: 'spki', format: 'der' })),
    ).toBe(true);

    const key = await store.open(entry.id, { kind: 'passphrase', passphrase: 'phrase de passe longue' });
    const data = Buffer.from('attributs signés');
    expect(verify('sha256', data, signerPublicKey(), await key.sign(data))).toBe(true);
    expect(key.chainDer()).toHaveLength(1);

    await expect(store.open(entry.id, { kind: 'passphrase', passphrase: 'mauvaise phrase' })).rejects.toThrow(
      'Phrase de passe de la clé incorrecte.',
    );
  });

  it('seals the key passphrase in the platform secret store', async () => {
    const secrets = createFileSecretStore(join(dir, 'secrets.json'));
    const store = new SoftwareKeyStore(join(dir, 'keys-sealed'));
    const entry = await store.importPkcs12(readFileSync(pki.p12Legacy), P12_PASSWORD, { kind: 'secret-store', secrets });
    expect((await store.list()).map((e) => [e.id, e.protection])).toEqual([[entry.id, 'secret-store']]);
    const key = await store.open(entry.id, { kind: 'secret-store', secrets });
    const data = Buffer.from('x');
    expect(verify('sha256', data, signerPublicKey(), await key.sign(data))).toBe(true);

    // Without the sealed secret (another PC, wiped keychain) the key file alone is useless.
    await store.remove(entry.id, secrets);
    expect(await secrets.get(`signing.key-passphrase.${entry.id}`)).toBeNull();
    expect(readdirSync(join(dir, 'keys-sealed'))).toEqual([]);
    await expect(store.open(entry.id, { kind: 'secret-store', secrets })).rejects.toThrow("Ce certificat n'est pas installé sur ce poste.");
  });

  it('refuses to import an expired certificate, and to open a stored one once it has expired', async () => {
    const store = new SoftwareKeyStore(join(dir, 'keys-expiry'), () => new Date('2024-06-01T00:00:00Z'));
    const entry = await store.importPkcs12(readFileSync(pki.p12Expired), P12_PASSWORD, { kind: 'passphrase', passphrase: '12345678' });
    const later = new SoftwareKeyStore(join(dir, 'keys-expiry'), () => new Date());
    const err = await later.open(entry.id, { kind: 'passphrase', passphrase: '12345678' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GuichetError);
    expect((err as GuichetError).message).toBe(
      'Le certificat a expiré le 12/03/2025 : demandez son renouvellement à votre autorité de certification.',
    );
    await expect(
      later.importPkcs12(readFileSync(pki.p12Expired), P12_PASSWORD, { kind: 'passphrase', passphrase: '12345678' }),
    ).rejects.toThrow(/a expiré le 12\/03\/2025/);
  });
});
