import { createHash, randomBytes, randomInt } from 'node:crypto';

/** Bearer tokens: 32 random bytes, base64url. Only their sha256 is stored. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

// Crockford-like alphabet without 0/O, 1/I/L, U: the code is read aloud on the phone and typed by hand.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZ23456789';

/** A one-time enrollment code, e.g. `K7QM-3XPA-W9RT-HB2E` (≈ 78 bits). */
export function newEnrollmentCode(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let s = '';
    for (let i = 0; i < 4; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
    groups.push(s);
  }
  return groups.join('-');
}

/**
 * A temporary password the hub sets (reset, stolen PC): five groups of four from the code alphabet,
 * lower case (≈ 98 bits), e.g. `k7qm-3xpa-w9rt-hb2e-mz4c`; readable aloud, changed at first login.
 */
export function newTemporaryPassword(): string {
  return Array.from({ length: 5 }, () => Array.from({ length: 4 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join(''))
    .join('-')
    .toLowerCase();
}

/** Case, spaces and dashes do not matter when the code is typed back. */
export function normaliseEnrollmentCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

export function enrollmentCodeHash(code: string): string {
  return sha256Hex(normaliseEnrollmentCode(code));
}
