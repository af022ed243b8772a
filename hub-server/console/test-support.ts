import type { Kysely } from 'kysely';
import { generate } from 'otplib';
import type { StaffRole } from '../../shared/console/staff.js';
import { hashPassword } from '../accounts/passwords.js';
import type { HubDatabase } from '../db/schema.js';
import { CSRF_HEADER, STAFF_COOKIE } from './staff-auth.js';
import { insertStaff, openStaffSession } from './staff-store.js';
import { hubSecretKey, seal, totpAad } from './secret-box.js';
import { newTotpSecret } from './totp.js';

/** Password of every agent seeded by `seedStaff`. */
export const STAFF_TEST_PASSWORD = 'console-mot-de-passe-de-test';

export interface SeededStaff {
  staffId: string;
  login: string;
  role: StaffRole;
  /** Enrolled TOTP secret: `await totpNow(secret)` gives a valid code. */
  totpSecret: string;
  /** Session token (the cookie's value). */
  token: string;
  /** Headers of a console request from this agent: the cookie and the CSRF header. */
  headers: Record<string, string>;
}

/** The current six-digit code for `secret`. */
export function totpNow(secret: string): Promise<string> {
  return generate({ secret });
}

/** An agent of the département with an enrolled second factor and a signed-in console session. */
export async function seedStaff(
  db: Kysely<HubDatabase>,
  input: { login: string; role: StaffRole; displayName?: string },
): Promise<SeededStaff> {
  // Cheap scrypt cost (the stored hash says which): suites stay fast on shared CPUs.
  const passwordHash = await hashPassword(STAFF_TEST_PASSWORD, { N: 2 ** 12, r: 8, p: 1 });
  const row = await insertStaff(db, {
    login: input.login,
    role: input.role,
    displayName: input.displayName ?? `Agent ${input.login}`,
    passwordHash,
  });
  const totpSecret = newTotpSecret();
  await db
    .updateTable('staff')
    .set({ totp_secret: seal(hubSecretKey(), totpAad(row.id), totpSecret) })
    .where('id', '=', row.id)
    .execute();
  const { token } = await openStaffSession(db, row.id);
  return {
    staffId: row.id,
    login: row.login,
    role: input.role,
    totpSecret,
    token,
    headers: { cookie: `${STAFF_COOKIE}=${token}`, [CSRF_HEADER]: '1' },
  };
}
