import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTS_HUB_ROUTES } from '../../../shared/acts/hub-routes.js';
import { toCount } from '../../db/dialect.js';
import { createTestHub, TEST_BACKENDS, type SeededCommune, type TestHub } from '../../test-support.js';
import { sha256Of } from '../test-support.js';
import { INCOMPLETE_UPLOAD_TTL_MS, purgeIncompleteUploads } from '../../files/store.js';

const url = (sha: string) => ACTS_HUB_ROUTES.fileUpload.path.replace(':sha256', sha);
const MB = 1024 * 1024;

/**
 * A refused or abandoned upload must not stay on the hub for ever, and no collectivité
 * may fill the hub's disk: incomplete uploads expire after 48 h, and stored plus
 * in-progress bytes are capped per collectivité.
 */
describe.each(TEST_BACKENDS)('ACTES file uploads: expiry and quota (%s)', (backend) => {
  let hub: TestHub;
  let a: SeededCommune;
  let b: SeededCommune;
  beforeAll(async () => {
    hub = await createTestHub(backend, { files: { quotaBytes: 5 * MB } });
    a = await hub.seedCommune({ insee: '10387', services: ['acts'] });
    b = await hub.seedCommune({ insee: '10033', services: ['acts'] });
  });
  afterAll(() => hub?.close());

  const patch = (token: string, sha: string, offset: number, total: number, body: Buffer) =>
    hub.app.inject({
      method: 'PATCH',
      url: url(sha),
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/offset+octet-stream',
        'upload-offset': String(offset),
        'upload-length': String(total),
      },
      payload: body,
    });
  const head = async (token: string, sha: string) =>
    (await hub.app.inject({ method: 'HEAD', url: url(sha), headers: { authorization: `Bearer ${token}` } })).headers['upload-offset'];
  const rows = async (communeId: string) => ({
    files: await hub.db.selectFrom('files').select(['sha256', 'complete']).where('commune_id', '=', communeId).execute(),
    chunks: toCount(
      (
        await hub.db
          .selectFrom('file_chunks')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('commune_id', '=', communeId)
          .executeTakeFirstOrThrow()
      ).n,
    ),
  });

  it('purges incomplete uploads older than 48 h (with their bytes), keeps recent ones and complete files', async () => {
    const done = randomBytes(100_000);
    expect((await patch(a.secretaireToken, sha256Of(done), 0, done.length, done)).statusCode).toBe(204);
    const stale = randomBytes(200_000);
    expect((await patch(a.secretaireToken, sha256Of(stale), 0, stale.length, stale.subarray(0, 50_000))).statusCode).toBe(204);
    expect(await head(a.secretaireToken, sha256Of(stale))).toBe('50000');

    // 47 h later nothing goes; 49 h later the abandoned upload does, bytes and all.
    const t0 = Date.now();
    expect(await purgeIncompleteUploads(hub.db, { olderThanMs: INCOMPLETE_UPLOAD_TTL_MS, now: new Date(t0 + 47 * 3600_000) })).toEqual({
      files: 0,
      bytes: 0,
    });
    const recent = randomBytes(10_000);
    const purged = await purgeIncompleteUploads(hub.db, { olderThanMs: INCOMPLETE_UPLOAD_TTL_MS, now: new Date(t0 + 49 * 3600_000) });
    expect(purged).toEqual({ files: 1, bytes: 50_000 });
    const after = await rows(a.communeId);
    expect(after.files.map((f) => [f.sha256, toCount(f.complete)])).toEqual([[sha256Of(done), 1]]);
    expect(after.chunks).toBe(1);
    // The PC's next HEAD says 0: it sends the file again from the start.
    expect(await head(a.secretaireToken, sha256Of(stale))).toBe('0');
    expect((await patch(a.secretaireToken, sha256Of(recent), 0, recent.length, recent.subarray(0, 1000))).statusCode).toBe(204);
    expect((await purgeIncompleteUploads(hub.db, { olderThanMs: INCOMPLETE_UPLOAD_TTL_MS })).files).toBe(0);
    expect(await head(a.secretaireToken, sha256Of(recent))).toBe('1000');
  });

  it('refuses a new upload beyond the collectivité quota (stored + in progress), in French; other collectivités are unaffected', async () => {
    // b holds 3 MB stored and has 1.5 MB announced in progress (the announced size is reserved).
    const stored = randomBytes(3 * MB);
    expect((await patch(b.secretaireToken, sha256Of(stored), 0, stored.length, stored)).statusCode).toBe(204);
    const started = randomBytes(1.5 * MB);
    expect((await patch(b.secretaireToken, sha256Of(started), 0, started.length, started.subarray(0, 1000))).statusCode).toBe(204);

    const tooMuch = randomBytes(MB);
    const refused = await patch(b.secretaireToken, sha256Of(tooMuch), 0, tooMuch.length, tooMuch);
    expect(refused.statusCode).toBe(413);
    expect(refused.json()).toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(
        /^L'espace réservé aux fichiers de votre collectivité sur le hub \(actes, pièces des demandes\) est plein/,
      ),
    });
    expect(await head(b.secretaireToken, sha256Of(tooMuch))).toBe('0');
    // Finishing the upload already started is still allowed (its bytes are counted already).
    expect((await patch(b.secretaireToken, sha256Of(started), 1000, started.length, started.subarray(1000))).statusCode).toBe(204);
    // Another collectivité has its own quota.
    expect((await patch(a.secretaireToken, sha256Of(tooMuch), 0, tooMuch.length, tooMuch)).statusCode).toBe(204);
  });
});
