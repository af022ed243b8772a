import { statSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import { afterAll, describe, expect, it } from 'vitest';
import { CONSOLE_AUTH_ROUTES } from '../../shared/console/routes.js';
import type { ConsoleLoginResponse } from '../../shared/console/staff.js';
import { hashPassword } from '../accounts/passwords.js';
import { createHubLogger } from '../log.js';
import { type RunningHub, startHub } from '../server.js';
import { SECRET_KEY_FILE } from './secret-box.js';
import { insertStaff } from './staff-store.js';
import { STAFF_TEST_PASSWORD } from './test-support.js';

/**
 * The agents' TOTP seeds are sealed at rest: the hub's database never holds one in clear,
 * the key stays in a 0600 file of the data folder, and a restarted hub still signs agents in.
 */
describe('TOTP seeds at rest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-totp-sealed-'));
  const dataDir = join(dir, 'data');
  let hub: RunningHub | undefined;
  afterAll(async () => {
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const start = () => startHub({ port: 0, dataDir, log: createHubLogger({ level: 'silent' }) });
  const login = (body: object) =>
    fetch(`${hub!.url}${CONSOLE_AUTH_ROUTES.consoleLogin.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const staffRow = () => hub!.db.selectFrom('staff').selectAll().where('login', '=', 'c.martin').executeTakeFirstOrThrow();

  it('keeps no base32 seed in the database, and signs in after a restart', async () => {
    hub = await start();
    await insertStaff(hub.db, {
      login: 'c.martin',
      displayName: 'Claire Martin',
      role: 'administrateur',
      passwordHash: await hashPassword(STAFF_TEST_PASSWORD, { N: 2 ** 12, r: 8, p: 1 }),
    });
    const enrolment = (await (await login({ login: 'c.martin', password: STAFF_TEST_PASSWORD })).json()) as ConsoleLoginResponse;
    if (enrolment.status !== 'totp_enrolment') throw new Error(`expected enrolment, got ${enrolment.status}`);
    const pending = await staffRow();
    expect(pending.totp_pending_secret).toMatch(/^v1\./);
    expect(JSON.stringify(pending)).not.toContain(enrolment.secret);

    const confirmed = await login({ login: 'c.martin', password: STAFF_TEST_PASSWORD, code: await generate({ secret: enrolment.secret }) });
    expect(((await confirmed.json()) as ConsoleLoginResponse).status).toBe('signed_in');
    const enrolled = await staffRow();
    expect(enrolled.totp_secret).toMatch(/^v1\./);
    expect(enrolled.totp_pending_secret).toBeNull();
    expect(JSON.stringify(enrolled)).not.toContain(enrolment.secret);
    expect(statSync(join(dataDir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);

    await hub.close();
    hub = await start();
    // As if the next time step had come (a code is never accepted twice).
    await hub.db.updateTable('staff').set({ totp_last_step: 0 }).where('login', '=', 'c.martin').execute();
    const again = await login({ login: 'c.martin', password: STAFF_TEST_PASSWORD, code: await generate({ secret: enrolment.secret }) });
    expect(again.status).toBe(200);
    expect(((await again.json()) as ConsoleLoginResponse).status).toBe('signed_in');
  });
});
