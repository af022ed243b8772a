import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GuichetError } from '../../shared/errors.js';
import { ensurePrivateDir } from '../db/private-files.js';

/**
 * Secrets the hub must read back (the agents' TOTP seeds cannot be hashed) are
 * stored sealed: AES-256-GCM under the hub's key, bound to their row (the AAD
 * names it, so a sealed value moved to another account does not open). The key
 * is never in the database: a 0600 file `hub-secret.key` in the hub's data
 * folder, or `GUICHET_HUB_SECRET_KEY` (32 bytes, base64) when several hub
 * instances share one PostgreSQL — they must all hold the same key.
 * One process serves one hub: the key is registered once at start (startHub, CLI).
 */
export const SECRET_KEY_FILE = 'hub-secret.key';
export const SECRET_KEY_ENV = 'GUICHET_HUB_SECRET_KEY';
const PREFIX = 'v1.';

let registered: Buffer | null = null;
let ephemeral: Buffer | null = null;

function parseKey(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32)
    throw new GuichetError(
      'internal',
      `La clé secrète du hub (${where}) doit faire 32 octets en base64.`,
      `bad hub key length ${key.length}`,
    );
  return key;
}

function envKey(): Buffer | null {
  const v = process.env[SECRET_KEY_ENV];
  return v ? parseKey(v, SECRET_KEY_ENV) : null;
}

/** The environment's key, else the data folder's file (created, 0600, on first start). */
export function loadHubSecretKey(dataDir: string): Buffer {
  const fromEnv = envKey();
  if (fromEnv) return fromEnv;
  ensurePrivateDir(dataDir);
  const file = join(dataDir, SECRET_KEY_FILE);
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  chmodSync(file, 0o600);
  return parseKey(readFileSync(file, 'utf8'), file);
}

/** This process's hub key from now on. */
export function registerHubSecretKey(key: Buffer): void {
  registered = key;
}

/** The key set up for this hub (registered or environment), null if none. */
export function configuredHubSecretKey(): Buffer | null {
  return registered ?? envKey();
}

/** The key to seal with; a hub built without one (tests, in memory) gets a key for the process's life. */
export function hubSecretKey(): Buffer {
  const configured = configuredHubSecretKey();
  if (configured) return configured;
  ephemeral ??= randomBytes(32);
  return ephemeral;
}

export const isSealed = (stored: string): boolean => stored.startsWith(PREFIX);

export function seal(key: Buffer, aad: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** Opens a sealed value; a value stored before sealing existed (clear) is answered as is, and sealed at its next write. */
export function unseal(key: Buffer, aad: string, stored: string): string {
  if (!isSealed(stored)) return stored;
  const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new GuichetError(
      'internal',
      'Le second facteur ne peut pas être lu : la clé secrète du hub a changé. Réinitialisez-le (reset-totp).',
      'sealed secret does not open with this hub key',
    );
  }
}

/** AAD of an agent's TOTP seed: its account. */
export const totpAad = (staffId: string): string => `staff-totp:${staffId}`;
