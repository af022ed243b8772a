import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateFile } from '../platform/private-files.js';

/**
 * The web host's address for one data folder, kept across restarts: the
 * secret (and the port it got when none was asked) live in a 0600 file of the
 * data folder, created once. The open tab and the printed address
 * `http://127.0.0.1:PORT/#secret=…` thus keep working after Guichet is
 * restarted, instead of answering « Accès refusé » forever.
 */
export const LOCAL_ADDRESS_FILE = 'webhost.json';

export interface LocalAddress {
  secret: string;
  /** The port last bound, tried first when the user gave none (0 = none yet). */
  port: number;
}

const SECRET = /^[A-Za-z0-9_-]{43}$/;

export function readLocalAddress(dataDir: string): LocalAddress {
  const file = join(dataDir, LOCAL_ADDRESS_FILE);
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalAddress>;
    if (typeof saved.secret === 'string' && SECRET.test(saved.secret))
      return { secret: saved.secret, port: Number.isInteger(saved.port) ? (saved.port as number) : 0 };
  } catch {
    // absent or unreadable: a new one below
  }
  const fresh = { secret: randomBytes(32).toString('base64url'), port: 0 };
  saveLocalAddress(dataDir, fresh);
  return fresh;
}

export function saveLocalAddress(dataDir: string, address: LocalAddress): void {
  const file = join(dataDir, LOCAL_ADDRESS_FILE);
  ensurePrivateFile(file); // 0600 before the secret is written, whatever the umask
  writeFileSync(file, `${JSON.stringify(address)}\n`);
}
