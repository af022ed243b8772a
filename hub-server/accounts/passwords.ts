import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { checkPassword, type PasswordContext } from '../../shared/accounts/password-policy.js';
import { GuichetError } from '../../shared/errors.js';

/**
 * Password hashing with scrypt (memory-hard). The stored string describes its
 * own parameters, `scrypt$N$r$p$salt$hash`, so the cost can be raised later
 * without invalidating existing accounts.
 */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // 128·N·r bytes are needed; Node's default maxmem (32 MiB) is just too small for N=2^15, r=8.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map((x) => Number.parseInt(x, 10));
  if (!N || !r || !p || N > 2 ** 20 || r > 32 || p > 16) return false;
  const expected = Buffer.from(parts[5], 'base64url');
  const key = await scryptAsync(password, Buffer.from(parts[4], 'base64url'), { N, r, p });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

// Verifying against this when the user does not exist keeps the answer time the same,
// so response timing does not reveal which usernames exist.
let dummyHash: Promise<string> | undefined;
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('guichet-dummy-password');
  await verifyPassword(password, await dummyHash);
  return false;
}

/** The shared password rule, enforced: every password the hub stores from a person goes through here. */
export function enforcePasswordPolicy(password: string, context: PasswordContext): void {
  const verdict = checkPassword(password, context);
  if (!verdict.ok)
    throw new GuichetError('invalid_input', verdict.reason ?? 'Ce mot de passe est trop faible.', `weak password (score ${verdict.score})`);
}
