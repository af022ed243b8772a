import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSafeStorageSecretStore } from './safe-storage-secrets.js';

/** Reversible stand-in for the OS cipher: XOR with a key, so ciphertext differs from plaintext. */
function fakeSafeStorage(opts: { available?: boolean; backend?: 'basic_text' | 'gnome_libsecret' } = {}) {
  const xor = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
  return {
    isEncryptionAvailable: () => opts.available ?? true,
    getSelectedStorageBackend: () => opts.backend ?? 'gnome_libsecret',
    encryptString: (s: string) => xor(Buffer.from(`v10${s}`)),
    decryptString: (b: Buffer) => xor(b).toString().slice(3),
  };
}

function captureLog() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { log: pino({}, stream), lines };
}

describe('safeStorage secret store', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'guichet-secrets-'));
    file = join(dir, 'secrets.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips secrets and writes only ciphertext, readable by the user alone', async () => {
    const store = createSafeStorageSecretStore({ file, safeStorage: fakeSafeStorage(), log: captureLog().log, os: 'win32' });
    expect(store.kind).toBe('os-keychain');
    const token = 'jeton-de-poste-3f9c2a7e';
    await store.set('device-token', token);
    await store.set('other', 'x');
    expect(await store.get('device-token')).toBe(token);
    const onDisk = readFileSync(file, 'utf8');
    expect(onDisk).not.toContain(token);
    expect(onDisk).not.toContain(Buffer.from(token).toString('base64'));
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // A new store on the same file (next launch) reads it back.
    const again = createSafeStorageSecretStore({ file, safeStorage: fakeSafeStorage(), log: captureLog().log, os: 'win32' });
    expect(await again.get('device-token')).toBe(token);
    await again.delete('device-token');
    expect(await again.get('device-token')).toBeNull();
    expect(await again.get('other')).toBe('x');
  });

  it('refuses to store anything on Windows and macOS when the OS vault is unavailable', async () => {
    for (const os of ['win32', 'darwin'] as const) {
      const store = createSafeStorageSecretStore({ file, safeStorage: fakeSafeStorage({ available: false }), log: captureLog().log, os });
      await expect(store.set('device-token', 'secret')).rejects.toMatchObject({
        code: 'internal',
        message: expect.stringContaining('coffre-fort'),
      });
    }
    expect(() => statSync(file)).toThrow();
  });

  it('accepts the Linux basic_text backend but logs a warning (without the secret)', async () => {
    const { log, lines } = captureLog();
    const store = createSafeStorageSecretStore({ file, safeStorage: fakeSafeStorage({ backend: 'basic_text' }), log, os: 'linux' });
    await store.set('device-token', 'secret-linux');
    expect(await store.get('device-token')).toBe('secret-linux');
    const logged = lines.join('');
    expect(logged).toContain('basic_text');
    expect(logged).not.toContain('secret-linux');
  });

  it('treats a secret the OS can no longer decrypt as absent', async () => {
    const store = createSafeStorageSecretStore({ file, safeStorage: fakeSafeStorage(), log: captureLog().log, os: 'linux' });
    await store.set('device-token', 'abc');
    const broken = {
      ...fakeSafeStorage(),
      decryptString: () => {
        throw new Error('Error while decrypting the ciphertext');
      },
    };
    const other = createSafeStorageSecretStore({ file, safeStorage: broken, log: captureLog().log, os: 'linux' });
    expect(await other.get('device-token')).toBeNull();
  });
});
