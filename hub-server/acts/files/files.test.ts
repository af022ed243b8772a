import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTS_HUB_ROUTES } from '../../../shared/acts/hub-routes.js';
import { createTestHub, TEST_BACKENDS, type SeededCommune, type TestHub } from '../../test-support.js';
import { sha256Of } from '../test-support.js';

const url = (sha: string) => ACTS_HUB_ROUTES.fileUpload.path.replace(':sha256', sha);

describe.each(TEST_BACKENDS)('ACTES files on the hub (%s)', (backend) => {
  let hub: TestHub;
  let a: SeededCommune;
  let b: SeededCommune;
  let off: SeededCommune;

  beforeAll(async () => {
    hub = await createTestHub(backend);
    a = await hub.seedCommune({ insee: '10387', services: ['acts'] });
    b = await hub.seedCommune({ insee: '10033', services: ['acts'] });
    off = await hub.seedCommune({ insee: '10362', services: ['electoral'] });
  });
  afterAll(() => hub?.close());

  const head = (token: string, sha: string) =>
    hub.app.inject({ method: 'HEAD', url: url(sha), headers: { authorization: `Bearer ${token}` } });
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
  const get = (token: string, sha: string) =>
    hub.app.inject({ method: 'GET', url: url(sha), headers: { authorization: `Bearer ${token}` } });

  it('uploads in chunks, resumes at the offset the hub holds, verifies the SHA-256 and serves the file', async () => {
    const content = randomBytes(3 * 1024 * 1024 + 17);
    const sha = sha256Of(content);
    expect((await head(a.secretaireToken, sha)).headers['upload-offset']).toBe('0');
    expect((await patch(a.secretaireToken, sha, 0, content.length, content.subarray(0, 1_000_000))).statusCode).toBe(204);
    expect((await head(a.secretaireToken, sha)).headers['upload-offset']).toBe('1000000');
    // A retry of the first chunk (lost answer) is refused with where to resume.
    const stale = await patch(a.secretaireToken, sha, 0, content.length, content.subarray(0, 1_000_000));
    expect(stale.statusCode).toBe(409);
    expect(stale.headers['upload-offset']).toBe('1000000');
    expect(stale.json().message).toMatch(/reprendra/);
    expect((await get(a.secretaireToken, sha)).statusCode).toBe(404); // not complete yet
    const done = await patch(a.secretaireToken, sha, 1_000_000, content.length, content.subarray(1_000_000));
    expect(done.statusCode).toBe(204);
    expect(done.headers['upload-offset']).toBe(String(content.length));
    const got = await get(a.consultationToken, sha);
    expect(got.statusCode).toBe(200);
    expect(Buffer.compare(got.rawPayload, content)).toBe(0);
    // Idempotent once complete.
    expect((await patch(a.maireToken, sha, 0, content.length, content)).statusCode).toBe(204);
  });

  it('discards a file whose bytes do not match its SHA-256', async () => {
    const content = randomBytes(5000);
    const sha = sha256Of(Buffer.from('something else'));
    const res = await patch(a.secretaireToken, sha, 0, content.length, content);
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toMatch(/abîmé/);
    expect((await head(a.secretaireToken, sha)).headers['upload-offset']).toBe('0');
    expect((await get(a.secretaireToken, sha)).statusCode).toBe(404);
  });

  it('refuses files over 150 MB with a French message', async () => {
    const res = await patch(a.secretaireToken, sha256Of(Buffer.from('x')), 0, 150 * 1024 * 1024 + 1, Buffer.from('x'));
    expect(res.statusCode).toBe(413);
    expect(res.json().message).toMatch(/150 Mo/);
  });

  it("keeps communes apart: another commune's file is unknown, even when stored", async () => {
    const content = randomBytes(2000);
    const sha = sha256Of(content);
    expect((await patch(a.secretaireToken, sha, 0, content.length, content)).statusCode).toBe(204);
    expect((await get(b.maireToken, sha)).statusCode).toBe(404);
    expect((await head(b.maireToken, sha)).headers['upload-offset']).toBe('0');
    // B uploading the same bytes gets its own copy, A's stays intact.
    expect((await patch(b.secretaireToken, sha, 0, content.length, content)).statusCode).toBe(204);
    expect((await get(b.maireToken, sha)).statusCode).toBe(200);
  });

  it('requires the ACTES service and the drafting permission to upload', async () => {
    const content = randomBytes(100);
    expect((await patch(off.maireToken, sha256Of(content), 0, 100, content)).statusCode).toBe(403);
    expect((await patch(a.consultationToken, sha256Of(content), 0, 100, content)).statusCode).toBe(403);
  });

  it('keeps what arrived when the connection is cut mid-chunk, and the upload resumes from there', async () => {
    const base = await hub.listen();
    const content = randomBytes(2 * 1024 * 1024);
    const sha = sha256Of(content);
    const sent = 700_000;
    await new Promise<void>((resolve) => {
      const req = http.request(`${base}${url(sha)}`, {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${a.secretaireToken}`,
          'content-type': 'application/offset+octet-stream',
          'upload-offset': '0',
          'upload-length': String(content.length),
          'content-length': String(content.length),
        },
      });
      req.on('error', () => resolve());
      req.write(content.subarray(0, sent), () =>
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 300),
      );
    });
    let offset = 0;
    for (let i = 0; i < 50 && offset < sent; i++) {
      offset = Number((await head(a.secretaireToken, sha)).headers['upload-offset']);
      if (offset < sent) await new Promise((r) => setTimeout(r, 100));
    }
    expect(offset).toBe(sent);
    expect((await patch(a.secretaireToken, sha, offset, content.length, content.subarray(offset))).statusCode).toBe(204);
    expect(Buffer.compare((await get(a.secretaireToken, sha)).rawPayload, content)).toBe(0);
  });
});
