import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretStore } from '../platform/platform.js';

/**
 * The owners store's key and cipher. AES-256-GCM (node:crypto), a random
 * 96-bit IV per record, the collection and record id as associated data (a
 * blob copied onto another id or table does not decrypt). The 32-byte key is
 * made once per data folder and kept in the platform's secret store (Electron
 * safeStorage, i.e. the OS keychain, in the shell; a 0600 file headless),
 * never in SQLite: a copy of `guichet.sqlite` alone reads as noise.
 */
export const OWNERS_KEY_SECRET = 'owners-store-key';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface OwnersCipher {
  encrypt(collection: string, id: string, plain: string): Buffer;
  /** Throws when the blob was not made with this key for this collection and id. */
  decrypt(collection: string, id: string, blob: Buffer): string;
}

export function cipherOf(key: Buffer): OwnersCipher {
  if (key.length !== 32) throw new Error('owners key must be 32 bytes');
  const aad = (collection: string, id: string) => Buffer.from(`${collection}\u0000${id}`, 'utf8');
  return {
    encrypt(collection, id, plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(aad(collection, id));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(collection, id, blob) {
      const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, IV_BYTES));
      decipher.setAAD(aad(collection, id));
      decipher.setAuthTag(blob.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(blob.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}

/** The stored key, or null when the secret store has none (first use, or lost: another OS profile, a restored copy…). */
export async function readKey(secrets: SecretStore): Promise<Buffer | null> {
  const stored = await secrets.get(OWNERS_KEY_SECRET);
  return stored && KEY_PATTERN.test(stored) ? Buffer.from(stored, 'base64url') : null;
}

export async function makeKey(secrets: SecretStore): Promise<Buffer> {
  const key = randomBytes(32);
  await secrets.set(OWNERS_KEY_SECRET, key.toString('base64url'));
  return key;
}
