import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateCertificate } from '../prefecture-sim/self-signed-cert.js';
import { createTestHub, TEST_BACKENDS, type SeededCommune, type TestHub } from '../test-support.js';
import { tiers } from './actes-format/test-fixtures.js';
import { TRANSMIT_COMMAND } from '../../shared/acts/commands.js';
import { startActesForwarder } from './forwarder.js';
import { readStatus } from './status.js';
import { actRecord, command, freePort, push, uniquePdf, upload, upsertAct } from './test-support.js';

/**
 * The forwarder's answers to a platform that is down, failing, or silent
 * after taking the whole archive: retry later with a growing delay when
 * nothing was delivered; never resend blindly when it may have been.
 */
type Behaviour = 'refuse' | '503' | 'hangup-after-body' | '201';

describe.each(TEST_BACKENDS)('ACTES forwarder retries (%s)', (backend) => {
  let hub: TestHub;
  let c: SeededCommune;
  let dir: string;
  let server: https.Server;
  let behaviour: Behaviour = '503';
  let posts = 0;
  let certPem: string;
  let port: number;

  beforeAll(async () => {
    hub = await createTestHub(backend);
    c = await hub.seedCommune({ insee: '10387', services: ['acts'] });
    dir = mkdtempSync(join(tmpdir(), 'guichet-fwd-'));
    const cert = await loadOrCreateCertificate(dir);
    certPem = cert.certPem;
    port = await freePort();
    server = https.createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
      req.on('data', () => {});
      req.on('end', () => {
        posts++;
        if (behaviour === 'hangup-after-body') return req.socket.destroy();
        res.writeHead(behaviour === '201' ? 201 : 503).end(behaviour === '201' ? 'OK' : 'KO');
      });
    });
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => (server?.listening ? server.close(() => r()) : r()));
    await hub?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const row = async (actId: string) =>
    hub.db.selectFrom('actes_transmissions').selectAll().where('act_id', '=', actId).executeTakeFirstOrThrow();
  const due = async (actId: string) =>
    hub.db
      .updateTable('actes_transmissions')
      .set({ next_attempt_at: new Date(0).toISOString() })
      .where('act_id', '=', actId)
      .execute();

  it('backs off exponentially while the platform is unreachable or failing, then sends the same archive once', async () => {
    const content = uniquePdf(`fwd-${backend}`);
    const act = actRecord({ numero: 'FWD_1', actFile: content });
    expect(await upload(hub.app, c.secretaireToken, content)).toBe(204);
    await push(hub.app, c.maireToken, [upsertAct(act)]);
    expect((await push(hub.app, c.maireToken, [command(TRANSMIT_COMMAND, { actId: act.id })]))[0].status).toBe('applied');
    const forwarder = startActesForwarder(
      {
        db: hub.db,
        endpoint: { url: `https://127.0.0.1:${port}/actes`, caCertPem: certPem, timeoutMs: 5000 },
        tiers,
        backoffBaseMs: 10_000,
      },
      false,
    );

    // Nobody listening: the archive is built and stored, the POST fails before any byte left.
    let t = Date.now();
    await forwarder.tick();
    const first = await row(act.id);
    expect(first).toMatchObject({ state: 'built', attempts: 1 });
    expect(first.archive_name).toMatch(/^GUI-EACT--211003744--\d{8}-1\.tar\.gz$/);
    expect(first.error).toMatch(/injoignable/);
    expect(Date.parse(first.next_attempt_at) - t).toBeGreaterThanOrEqual(9_000);
    expect(await forwarder.tick()).toBe(0); // not due yet
    expect((await readStatus(hub.db, c.communeId, act.id))!.state).toBe('en_attente');

    // The platform answers 503: delay doubles.
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    await due(act.id);
    t = Date.now();
    await forwarder.tick();
    const second = await row(act.id);
    expect(second).toMatchObject({ state: 'built', attempts: 2, archive_name: first.archive_name });
    expect(Date.parse(second.next_attempt_at) - t).toBeGreaterThanOrEqual(19_000);
    expect(posts).toBe(1);

    // Back to normal: the same archive (same name, same bytes) goes, once.
    behaviour = '201';
    await due(act.id);
    await forwarder.tick();
    const sent = await row(act.id);
    expect(sent).toMatchObject({ state: 'transmis', attempts: 3, archive_name: first.archive_name });
    expect(Buffer.compare(Buffer.from(sent.archive!), Buffer.from(first.archive!))).toBe(0);
    expect(await readStatus(hub.db, c.communeId, act.id)).toMatchObject({ state: 'transmis', archiveName: first.archive_name });
    expect(posts).toBe(2);
    await forwarder.tick();
    expect(posts).toBe(2);
    await forwarder.stop();
  });

  it('parks an archive the platform may have received (body sent, no answer) instead of resending it', async () => {
    const content = uniquePdf(`fwd2-${backend}`);
    const act = actRecord({ numero: 'FWD_2', actFile: content });
    expect(await upload(hub.app, c.secretaireToken, content)).toBe(204);
    await push(hub.app, c.maireToken, [upsertAct(act)]);
    expect((await push(hub.app, c.maireToken, [command(TRANSMIT_COMMAND, { actId: act.id })]))[0].status).toBe('applied');
    const forwarder = startActesForwarder(
      {
        db: hub.db,
        endpoint: { url: `https://127.0.0.1:${port}/actes`, caCertPem: certPem, timeoutMs: 5000 },
        tiers,
        uncertainWaitMs: 60_000,
      },
      false,
    );
    behaviour = 'hangup-after-body';
    const before = posts;
    await forwarder.tick();
    expect(await row(act.id)).toMatchObject({ state: 'uncertain', attempts: 1 });
    await due(act.id);
    await forwarder.tick();
    await forwarder.tick();
    expect(posts).toBe(before + 1);
    expect((await row(act.id)).state).toBe('uncertain');
    await forwarder.stop();
  });

  it('holds archives beyond the byte volume of the window until the next one', async () => {
    behaviour = '201';
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const content = uniquePdf(`fwd3-${backend}-${i}`);
      const act = actRecord({ numero: `FWD_CAP_${i}`, actFile: content });
      expect(await upload(hub.app, c.secretaireToken, content)).toBe(204);
      await push(hub.app, c.maireToken, [upsertAct(act)]);
      expect((await push(hub.app, c.maireToken, [command(TRANSMIT_COMMAND, { actId: act.id })]))[0].status).toBe('applied');
      ids.push(act.id);
    }
    await hub.db.deleteFrom('actes_send_windows').execute();
    const windowMs = 3_600_000;
    // Room for one archive only (each is well over 1 kB once packed with its envelope).
    const forwarder = startActesForwarder(
      {
        db: hub.db,
        endpoint: { url: `https://127.0.0.1:${port}/actes`, caCertPem: certPem },
        tiers,
        maxPerHour: { bytes: 1500 },
        windowMs,
        batch: 1,
      },
      false,
    );
    const before = posts;
    await forwarder.tick(); // builds the first, sends it (empty window: allowed even if larger than the cap)
    await forwarder.tick(); // builds the second, which must wait
    await forwarder.tick();
    expect(posts).toBe(before + 1);
    const rows = await Promise.all(ids.map((id) => row(id)));
    expect(rows.map((r) => r.state).sort()).toEqual(['built', 'transmis']);
    const waiting = rows.find((r) => r.state === 'built')!;
    expect(Date.parse(waiting.next_attempt_at)).toBe(Math.floor(Date.now() / windowMs) * windowMs + windowMs);
    await forwarder.stop();
  });
});
