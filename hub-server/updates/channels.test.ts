import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { CONSOLE_DATA_ROUTES as R } from '../../shared/console/routes.js';
import type { UpdatesView } from '../../shared/console/views.js';
import { seedStaff } from '../console/test-support.js';
import { createTestHub, TEST_BACKENDS, type TestHub } from '../test-support.js';
import { publishRelease, rolloutBucket } from './channels.js';

const CLI = { staffId: null, login: 'cli:test' };

/** A folder as electron-builder publishes it: installer, blockmap, latest.yml naming them with their sha512. */
function builtRelease(root: string, version: string, opts: { corrupt?: boolean; stagingPercentage?: number } = {}): string {
  const dir = join(root, `build-${version}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  const installer = `Guichet-Setup-${version}.exe`;
  const bytes = Buffer.from(`installateur ${version} `.repeat(1000));
  writeFileSync(join(dir, installer), bytes);
  writeFileSync(join(dir, `${installer}.blockmap`), `blockmap ${version}`);
  const sha512 = createHash('sha512')
    .update(opts.corrupt ? Buffer.from('autre chose') : bytes)
    .digest('base64');
  writeFileSync(
    join(dir, 'latest.yml'),
    stringify({
      version,
      files: [{ url: installer, sha512, size: bytes.length }],
      path: installer,
      sha512,
      releaseDate: '2026-12-06T10:00:00.000Z',
      ...(opts.stagingPercentage === undefined ? {} : { stagingPercentage: opts.stagingPercentage }),
    }),
  );
  return dir;
}

describe.each(TEST_BACKENDS)('update channels and staged rollout (%s)', (backend) => {
  let root: string;
  let updatesDir: string;
  let hub: TestHub;
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'guichet-publish-'));
    updatesDir = join(root, 'updates');
    mkdirSync(updatesDir);
    hub = await createTestHub(backend, { updatesDir });
  });
  afterEach(async () => {
    await hub.close();
    rmSync(root, { recursive: true, force: true });
  });

  const feed = (headers: Record<string, string>) => hub.app.inject({ method: 'GET', url: '/updates/latest.yml', headers });
  const versionOf = async (headers: Record<string, string>) => {
    const res = await feed(headers);
    return res.statusCode === 200 ? (parse(res.body) as { version: string }).version : res.statusCode;
  };

  it('refuses a folder whose installer does not match the sha512 of its latest.yml, and an older version', async () => {
    await expect(
      publishRelease(hub.db, updatesDir, {
        channel: 'stable',
        dir: builtRelease(root, '1.1.0', { corrupt: true }),
        percentage: 100,
        actor: CLI,
      }),
    ).rejects.toThrow(/sha512 de Guichet-Setup-1\.1\.0\.exe ne correspond pas/);
    await publishRelease(hub.db, updatesDir, { channel: 'stable', dir: builtRelease(root, '1.1.0'), percentage: 100, actor: CLI });
    await expect(
      publishRelease(hub.db, updatesDir, { channel: 'stable', dir: builtRelease(root, '1.0.9'), percentage: 100, actor: CLI }),
    ).rejects.toThrow(/n’est pas plus récente que 1\.1\.0/);
    // The installer is served byte for byte (its sha512 is the one the served yml announces), its blockmap next to it.
    const yml = parse((await feed({})).body) as { files: { url: string; sha512: string }[] };
    const file = await hub.app.inject({ method: 'GET', url: `/updates/${yml.files[0].url}` });
    expect(createHash('sha512').update(file.rawPayload).digest('base64')).toBe(yml.files[0].sha512);
    expect((await hub.app.inject({ method: 'GET', url: '/updates/Guichet-Setup-1.1.0.exe.blockmap' })).body).toBe('blockmap 1.1.0');
  });

  it('offers the new version to the rollout percentage of devices, stable per device; pause and rollback bring back the previous one', async () => {
    await publishRelease(hub.db, updatesDir, { channel: 'stable', dir: builtRelease(root, '1.0.0'), percentage: 100, actor: CLI });
    await publishRelease(hub.db, updatesDir, {
      channel: 'stable',
      dir: builtRelease(root, '1.1.0', { stagingPercentage: 5 }),
      percentage: 30,
      actor: CLI,
    });
    const ids = Array.from({ length: 200 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const offered = await Promise.all(ids.map((id) => versionOf({ 'x-user-staging-id': id })));
    const expected = ids.map((id) => (rolloutBucket(id) < 30 ? '1.1.0' : '1.0.0'));
    expect(offered).toEqual(expected);
    const share = offered.filter((v) => v === '1.1.0').length / ids.length;
    expect(share).toBeGreaterThan(0.15);
    expect(share).toBeLessThan(0.45);
    // Same answer each time for a device; the hub's own decision replaces electron-builder's stagingPercentage.
    expect(await versionOf({ 'x-user-staging-id': ids[0] })).toBe(offered[0]);
    expect((await feed({ 'x-user-staging-id': ids[0] })).body).not.toMatch(/stagingPercentage/);
    // A PC that does not say who it is only gets what everyone gets.
    expect(await versionOf({})).toBe('1.0.0');

    const admin = await seedStaff(hub.db, { login: 'admin', role: 'administrateur' });
    const pause = await hub.app.inject({
      method: 'PUT',
      url: R.consoleRollout.path.replace(':channel', 'stable'),
      headers: admin.headers,
      payload: { paused: true },
    });
    expect(pause.json<UpdatesView>().channels[0]).toMatchObject({ currentVersion: '1.1.0', paused: true });
    expect(new Set(await Promise.all(ids.slice(0, 40).map((id) => versionOf({ 'x-user-staging-id': id }))))).toEqual(new Set(['1.0.0']));

    await hub.app.inject({
      method: 'PUT',
      url: R.consoleRollout.path.replace(':channel', 'stable'),
      headers: admin.headers,
      payload: { paused: false, stagingPercentage: 100 },
    });
    expect(await versionOf({})).toBe('1.1.0');
    const back = await hub.app.inject({
      method: 'POST',
      url: R.consoleRollback.path.replace(':channel', 'stable'),
      headers: admin.headers,
    });
    expect(back.json<UpdatesView>().channels[0]).toMatchObject({ currentVersion: '1.0.0', previousVersion: null });
    expect(await versionOf({ 'x-user-staging-id': ids[0] })).toBe('1.0.0');
    const actions = await hub.db.selectFrom('console_audit').select('action').orderBy('at').execute();
    expect(actions.map((a) => a.action)).toEqual([
      'mises-a-jour.publier',
      'mises-a-jour.publier',
      'mises-a-jour.pause',
      'mises-a-jour.reprise',
      'mises-a-jour.retour-arriere',
    ]);
  });

  it('serves an enrolled PC the channel of its collectivité, decided by its device id', async () => {
    const commune = await hub.seedCommune({ insee: '10387', services: ['acts'] });
    await publishRelease(hub.db, updatesDir, { channel: 'stable', dir: builtRelease(root, '1.0.0'), percentage: 100, actor: CLI });
    await publishRelease(hub.db, updatesDir, { channel: 'pilote', dir: builtRelease(root, '2.0.0-beta.1'), percentage: 100, actor: CLI });
    const bearer = { authorization: `Bearer ${commune.secretaireToken}` };
    expect(await versionOf(bearer)).toBe('1.0.0');
    const admin = await seedStaff(hub.db, { login: 'admin', role: 'administrateur' });
    await hub.app.inject({
      method: 'PUT',
      url: R.consoleCollectiviteSettings.path.replace(':code', '10387'),
      headers: admin.headers,
      payload: { updateChannel: 'pilote' },
    });
    expect(await versionOf(bearer)).toBe('2.0.0-beta.1');
    // Anyone else stays on stable.
    expect(await versionOf({})).toBe('1.0.0');
  });
});
