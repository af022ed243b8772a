import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tiers } from '../../hub-server/acts/actes-format/test-fixtures.js';
import { setClassification } from '../../hub-server/acts/classification.js';
import { startActesMailbox, type ActesMailbox } from '../../hub-server/acts/mailbox/smtp-receiver.js';
import { applyReturn } from '../../hub-server/acts/returns.js';
import { startActesService, type ActesService } from '../../hub-server/acts/service.js';
import { startPrefectureSim, type PrefectureSim } from '../../hub-server/prefecture-sim/prefecture-sim.js';
import { createTestHub, TEST_PASSWORD, type TestHub } from '../../hub-server/test-support.js';
import { startFlakyProxy, type FlakyProxy } from '../../test/sync/flaky-proxy.js';
import { call, openCore, refusal } from '../../test/sync/core-harness.js';
import type { ClientCore } from '../core/client-core.js';
import { makePki, P12_PASSWORD, pdfsig, type Pki } from '../signing/test-fixtures.js';
import { CLASSIFICATION, deliberationPdf, draftInput } from './test-fixtures.js';

/**
 * The whole journey of an act from the town hall: drafted and signed on the PC, transmitted
 * while the line is down, uploaded and pushed when it is back, forwarded by the real hub to
 * the prefecture simulator, acknowledged (ARActe by mail), and the IDActe back on the PC.
 */
let hub: TestHub;
let proxy: FlakyProxy;
let sim: PrefectureSim;
let mailbox: ActesMailbox;
let service: ActesService;
let pki: Pki;
let dir: string;
let core: ClientCore;
let actId = '';
let idActe = '';
const INSEE = '10387';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'guichet-acts-full-'));
  pki = makePki(join(dir, 'pki'));
  hub = await createTestHub('sqlite');
  proxy = await startFlakyProxy(await hub.listen());
  await hub.seedCommune({ insee: INSEE, services: ['acts'] });
  await setClassification(hub.db, CLASSIFICATION);
  mailbox = await startActesMailbox({ onReturn: async (event) => void (await applyReturn(hub.db, event)) });
  sim = await startPrefectureSim({
    dataDir: join(dir, 'sim'),
    smtp: { host: '127.0.0.1', port: mailbox.port },
    classificationDate: CLASSIFICATION.dateClassification,
  });
  service = await startActesService(hub.db, {
    prefectureUrl: `${sim.url}/actes`,
    prefectureCertPem: sim.caCertPem,
    tiers,
    pollMs: 50,
    backoffBaseMs: 50,
  });
  core = await openCore(undefined, 'PC maire');
  await call(core, 'session:login', {
    hubUrl: proxy.url,
    insee: INSEE,
    username: 'maire',
    password: TEST_PASSWORD,
    deviceName: 'PC maire',
  });
  expect((await call(core, 'sync:now', null)).lastError).toBeNull();
}, 120_000);
afterAll(async () => {
  await core?.close();
  await service?.close();
  await sim?.close();
  await mailbox?.close();
  await proxy?.close();
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until<T>(what: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('an act from the town hall to the prefecture and back', () => {
  it('draft → sign → transmit offline → upload → hub → ARActe → acquitté with its IDActe', async () => {
    const pdf = await deliberationPdf(dir);
    await call(core, 'acts:import-certificate', {
      fileName: 'maire.p12',
      content: new Uint8Array(readFileSync(pki.p12Aes)),
      password: P12_PASSWORD,
    });
    const created = await call(core, 'acts:create', draftInput(pdf, { numeroInterne: 'FULL_1' }));
    const id = created.act.id;
    actId = id;
    await call(core, 'acts:sign', { id, password: P12_PASSWORD, confirmNoSiren: true });

    // The line is down: everything stays queued on the PC.
    proxy.refuse = true;
    const queued = await call(core, 'acts:transmit', { id });
    expect(queued.act.transmitRequested).toBe(true);
    const offline = await call(core, 'sync:now', null);
    expect(offline.lastError?.code).toBe('offline');
    expect((await call(core, 'acts:list', { state: null }))[0]).toMatchObject({ state: 'poste', pending: true });
    expect((await refusal(core, 'acts:bordereau', { id })).message).toMatch(/accusé de réception de la préfecture/);

    proxy.refuse = false;
    const start = proxy.requests.length;
    const back = await call(core, 'sync:now', null);
    expect(back.lastError).toBeNull();
    expect(back.rejected).toEqual([]);
    expect(back.pending).toBe(0);
    const sent = proxy.requests.slice(start);
    const signedSha = queued.act.actFile!.sha256;
    const lastPatch = sent.findLastIndex((r) => r.method === 'PATCH' && r.path.endsWith(signedSha));
    expect(lastPatch).toBeGreaterThanOrEqual(0);
    expect(sent.findIndex((r) => r.path.endsWith('/sync/push'))).toBeGreaterThan(lastPatch);

    service.forwarder.kick();
    const done = await until(
      async () => {
        await call(core, 'sync:now', null);
        return call(core, 'acts:get', { id });
      },
      (d) => d.status?.state === 'acquitte',
    );
    // IDActe as the ministry builds it: département, the commune's SIREN, decision date, number, nature.
    idActe = `010-${core.session.state().commune!.siren}-20260302-FULL_1-DE`;
    expect(done.status).toMatchObject({ state: 'acquitte', idActe, error: null });
    expect(done.status?.dateReception).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(done.pending).toBe(false);
    expect((await call(core, 'acts:list', { state: 'acquitte' }))[0]).toMatchObject({ id, idActe });

    const bordereau = await call(core, 'acts:bordereau', { id });
    expect(bordereau.content.byteLength).toBeGreaterThan(500);
    const copy = await call(core, 'acts:stamped-copy', { id });
    expect(Buffer.from(copy.content.subarray(0, 5)).toString()).toBe('%PDF-');
    // The signed original on the PC is what the prefecture received, still valid.
    const original = await call(core, 'acts:file', { sha256: signedSha });
    const path = join(dir, 'signed.pdf');
    writeFileSync(path, original.content);
    expect(pdfsig(path)[0]).toMatchObject({ valid: true, totalDocumentSigned: true });
  }, 120_000);

  it('a letter from the prefecture reaches the PC with its document, and the answer goes back with its file', async () => {
    expect(actId).not.toBe('');
    await sim.sendLetter({ idActe, type: '3-1' });
    const withLetter = await until(
      async () => {
        await call(core, 'sync:now', null);
        return call(core, 'acts:get', { id: actId });
      },
      (d) => (d.status?.letters.length ?? 0) > 0,
    );
    const letter = withLetter.status!.letters[0];
    expect(letter).toMatchObject({ type: '3-1', direction: 'recu', state: 'recu' });
    expect(letter.files.length).toBeGreaterThan(0);
    // Downloaded from the hub once, then kept on the PC.
    const doc = await call(core, 'acts:file', { sha256: letter.files[0].sha256 });
    expect(doc.content.byteLength).toBe(letter.files[0].size);
    const downloads = () => proxy.requests.filter((r) => r.method === 'GET' && r.path.endsWith(letter.files[0].sha256)).length;
    await call(core, 'acts:file', { sha256: letter.files[0].sha256 });
    expect(downloads()).toBe(1);

    const piece = await deliberationPdf(dir, 'note-de-synthese.pdf');
    await call(core, 'acts:answer-letter', {
      actId,
      letterId: letter.id,
      type: '3-4',
      files: [{ fileName: 'note-de-synthese.pdf', content: piece }],
    });
    const state = await call(core, 'sync:now', null);
    expect(state.rejected).toEqual([]);
    service.forwarder.kick();
    const answered = await until(
      async () => {
        await call(core, 'sync:now', null);
        return call(core, 'acts:get', { id: actId });
      },
      (d) => d.status?.letters.some((l) => l.direction === 'envoye' && l.state !== 'en_attente') ?? false,
    );
    const answer = answered.status!.letters.find((l) => l.direction === 'envoye')!;
    expect(answer).toMatchObject({ type: '3-4', files: [expect.objectContaining({ fileName: 'note-de-synthese.pdf' })] });
    expect(answer.state).not.toBe('erreur');
  }, 120_000);

  it('a cancellation asked on the PC ends as « annulé » once the prefecture acknowledged it', async () => {
    const asked = await call(core, 'acts:cancel', { id: actId });
    expect(asked.pending).toBe(false); // a command: the act record itself did not change
    expect((await call(core, 'sync:now', null)).rejected).toEqual([]);
    service.forwarder.kick();
    const cancelled = await until(
      async () => {
        await call(core, 'sync:now', null);
        return call(core, 'acts:get', { id: actId });
      },
      (d) => d.status?.state === 'annule',
    );
    expect(cancelled.status).toMatchObject({ state: 'annule', idActe });
    // The acknowledgement of the original transmission stays printable.
    expect((await call(core, 'acts:bordereau', { id: actId })).mime).toBe('application/pdf');
  }, 120_000);
});
