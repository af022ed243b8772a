import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClassification } from '../../hub-server/acts/classification.js';
import { createTestHub, TEST_PASSWORD, type TestHub } from '../../hub-server/test-support.js';
import { startFlakyProxy, type FlakyProxy } from '../../test/sync/flaky-proxy.js';
import { call, openCore } from '../../test/sync/core-harness.js';
import type { ClientCore } from '../core/client-core.js';
import { CLASSIFICATION, deliberationPdf, draftInput } from './test-fixtures.js';

/**
 * Files of an act travel to a real hub (loopback, through a proxy that cuts the line on
 * demand) before the outbox is pushed: resumable, never sent twice, never after the record.
 */
let hub: TestHub;
let proxy: FlakyProxy;
let dir: string;
let pdf: Uint8Array<ArrayBuffer>;
const INSEE = '27229';
const cores: ClientCore[] = [];
let token: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'guichet-acts-upload-'));
  pdf = await deliberationPdf(dir);
  hub = await createTestHub('sqlite');
  proxy = await startFlakyProxy(await hub.listen());
  token = (await hub.seedCommune({ insee: INSEE, services: ['acts'] })).secretaireToken;
  await setClassification(hub.db, CLASSIFICATION);
});
afterAll(async () => {
  for (const c of cores) await c.close();
  await proxy.close();
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
});

async function pc(username: 'maire' | 'secretaire', deviceName: string): Promise<ClientCore> {
  const core = await openCore(undefined, deviceName);
  cores.push(core);
  await call(core, 'session:login', { hubUrl: proxy.url, insee: INSEE, username, password: TEST_PASSWORD, deviceName });
  const state = await call(core, 'sync:now', null);
  expect(state.lastError).toBeNull();
  expect((await call(core, 'acts:classification', null))?.dateClassification).toBe(CLASSIFICATION.dateClassification);
  return core;
}

/** A scanned plan: PNG signature then incompressible bytes. */
function scan(bytes: number): Uint8Array<ArrayBuffer> {
  const b = randomBytes(bytes);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b);
  return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
}

describe('act files to the hub', () => {
  it('resume after a cut from the hub offset, before the push, and are never sent twice', async () => {
    const a = await pc('secretaire', 'PC accueil');
    const plan = scan(3 * 1024 * 1024 + 12345);
    const progress: Array<{ sha256: string; sent: number; total: number }> = [];
    a.on('acts:upload-progress', (p) => progress.push({ sha256: p.sha256, sent: p.sent, total: p.total }));
    const created = await call(
      a,
      'acts:create',
      draftInput(pdf, { numeroInterne: 'UP_1', annexes: [{ fileName: 'plan.png', content: plan, typology: '22_PN' }] }),
    );
    const planSha = created.act.annexFiles[0].sha256;

    // The line drops right after the hub stored the 2nd MB of the plan.
    let patches = 0;
    proxy.dropResponses(1, (method, path) => method === 'PATCH' && path.endsWith(planSha) && ++patches === 2);
    const start = proxy.requests.length;
    const cut = await call(a, 'sync:now', null);
    expect(cut.lastError?.code).toBe('offline');
    expect(cut.pending).toBe(1);
    const first = proxy.requests.slice(start);
    expect(first.some((r) => r.path.endsWith('/sync/push'))).toBe(false); // no record before its files

    const resumeAt = proxy.requests.length;
    const ok = await call(a, 'sync:now', null);
    expect(ok.lastError).toBeNull();
    expect(ok.rejected).toEqual([]);
    expect(ok.pending).toBe(0);
    const second = proxy.requests.slice(resumeAt);
    const planPatches = second.filter((r) => r.method === 'PATCH' && r.path.endsWith(planSha));
    // Resumed at 2 MB: what the hub held, not from zero.
    expect(planPatches[0].headers['upload-offset']).toBe(String(2 * 1024 * 1024));
    const pushAt = second.findIndex((r) => r.path.endsWith('/sync/push'));
    expect(pushAt).toBeGreaterThan(second.findLastIndex((r) => r.method === 'PATCH'));
    // Every byte of the plan crossed the line once.
    const planBytes = proxy.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(planSha)).reduce((n, r) => n + r.bytes, 0);
    expect(planBytes).toBe(plan.byteLength);
    const planProgress = progress.filter((p) => p.sha256 === planSha).map((p) => p.sent);
    expect(planProgress).toEqual([0, 1048576, 2097152, 3145728, plan.byteLength]); // 2nd MB's answer lost; resumed where the hub was
    const detail = await call(a, 'acts:get', { id: created.act.id });
    expect(detail.pending).toBe(false);
    expect(detail.uploads.every((u) => u.uploaded === u.size)).toBe(true);

    // Another PC drafting with the same scan: the hub holds it whole, nothing is sent again.
    const b = await pc('maire', 'PC maire');
    expect((await call(b, 'acts:list', { state: null })).map((x) => x.numeroInterne)).toEqual(['UP_1']);
    const fromHub = await call(b, 'acts:file', { sha256: planSha });
    expect(Buffer.from(fromHub.content).equals(Buffer.from(plan))).toBe(true);
    const other = await call(
      b,
      'acts:create',
      draftInput(pdf, { numeroInterne: 'UP_2', annexes: [{ fileName: 'plan.png', content: plan, typology: '22_PN' }] }),
    );
    expect(other.act.annexFiles[0].sha256).toBe(planSha);
    const before = proxy.requests.length;
    const synced = await call(b, 'sync:now', null);
    expect(synced.lastError).toBeNull();
    expect(synced.rejected).toEqual([]);
    expect(proxy.requests.slice(before).filter((r) => r.method === 'PATCH')).toEqual([]);
  });

  it('resume mid-chunk from whatever the hub held, even bytes sent by a cut connection', async () => {
    const plan = scan(1536 * 1024);
    const sha256 = createHash('sha256').update(plan).digest('hex');
    // A previous attempt got 1000 bytes through before the line dropped.
    const partial = await fetch(`${proxy.url}/api/v1/files/${sha256}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/offset+octet-stream',
        'upload-offset': '0',
        'upload-length': String(plan.byteLength),
      },
      body: plan.subarray(0, 1000),
    });
    expect(partial.status).toBe(204);
    const a = await pc('secretaire', 'PC mairie annexe');
    await call(
      a,
      'acts:create',
      draftInput(pdf, { numeroInterne: 'UP_3', annexes: [{ fileName: 'plan.png', content: plan, typology: '22_PN' }] }),
    );
    const start = proxy.requests.length;
    expect((await call(a, 'sync:now', null)).lastError).toBeNull();
    const patches = proxy.requests.slice(start).filter((r) => r.method === 'PATCH' && r.path.endsWith(sha256));
    expect(patches.map((r) => r.headers['upload-offset'])).toEqual(['1000', String(1000 + 1024 * 1024)]);
    expect(patches.reduce((n, r) => n + r.bytes, 0)).toBe(plan.byteLength - 1000);
  });

  it('never send a file damaged on this disk, and do not let it hold back the other acts', async () => {
    const a = await pc('secretaire', 'PC secrétariat');
    const damagedPlan = scan(200 * 1024);
    const broken = await call(
      a,
      'acts:create',
      draftInput(pdf, { numeroInterne: 'UP_4', annexes: [{ fileName: 'plan.png', content: damagedPlan, typology: '22_PN' }] }),
    );
    const sha256 = broken.act.annexFiles[0].sha256;
    const onDisk = join((a as ClientCore & { dataDir: string }).dataDir, 'files', sha256.slice(0, 2), sha256);
    const bytes = readFileSync(onDisk);
    bytes[5000] ^= 0xff;
    writeFileSync(onDisk, bytes);
    const fine = await call(
      a,
      'acts:create',
      draftInput(pdf, { numeroInterne: 'UP_5', annexes: [{ fileName: 'plan.png', content: scan(100 * 1024), typology: '22_PN' }] }),
    );

    const start = proxy.requests.length;
    const state = await call(a, 'sync:now', null);
    expect(state.lastError).toBeNull();
    expect(state.pending).toBe(0);
    expect(proxy.requests.slice(start).filter((r) => r.method === 'PATCH' && r.path.endsWith(sha256))).toEqual([]);
    expect((await call(a, 'acts:get', { id: fine.act.id })).pending).toBe(false);
    expect((await call(a, 'acts:get', { id: broken.act.id })).pending).toBe(true);
    // Attaching the file again repairs the copy on disk, and it leaves at the next sync.
    await call(
      a,
      'acts:create',
      draftInput(pdf, { numeroInterne: 'UP_6', annexes: [{ fileName: 'plan.png', content: damagedPlan, typology: '22_PN' }] }),
    );
    expect((await call(a, 'sync:now', null)).lastError).toBeNull();
    expect((await call(a, 'acts:get', { id: broken.act.id })).pending).toBe(false);
  });

  it('do not let a file missing from this disk stop the sync of everything else', async () => {
    const a = await pc('secretaire', 'PC accueil');
    const lost = await call(
      a,
      'acts:create',
      draftInput(pdf, { numeroInterne: 'UP_7', annexes: [{ fileName: 'plan.png', content: scan(50 * 1024), typology: '22_PN' }] }),
    );
    const sha256 = lost.act.annexFiles[0].sha256;
    rmSync(join((a as ClientCore & { dataDir: string }).dataDir, 'files', sha256.slice(0, 2), sha256));
    const fine = await call(
      a,
      'acts:create',
      draftInput(pdf, { numeroInterne: 'UP_8', annexes: [{ fileName: 'plan.png', content: scan(60 * 1024), typology: '22_PN' }] }),
    );

    const state = await call(a, 'sync:now', null);
    expect(state.lastError).toBeNull();
    expect(state.pending).toBe(0);
    expect((await call(a, 'acts:get', { id: fine.act.id })).pending).toBe(false);
    expect((await call(a, 'acts:get', { id: lost.act.id })).pending).toBe(true);
  });
});
