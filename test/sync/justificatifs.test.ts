import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, TEST_PASSWORD, type TestHub } from '../../hub-server/test-support.js';
import type { CreateDemandInput } from '../../shared/electoral/ipc.js';
import type { ClientCore } from '../../electron/core/client-core.js';
import { call, openCore } from './core-harness.js';
import { startFlakyProxy, type FlakyProxy } from './flaky-proxy.js';

/**
 * Issue 10: a demand's justificatifs reach the hub (files module). PC A records a demand
 * with a scanned PDF while the line is down; when it comes back the upload is cut mid-way,
 * the PC restarts, and the upload resumes where the hub was; the demand is pushed only
 * after its pieces, and PC B of the same commune opens the very same bytes, downloaded
 * from the hub.
 * Real hub on loopback (through a proxy that misbehaves on demand), real client cores.
 */
let hub: TestHub;
let proxy: FlakyProxy;
let dir: string;
const INSEE = '10387';
const cores: ClientCore[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'guichet-justificatifs-'));
  hub = await createTestHub('sqlite');
  proxy = await startFlakyProxy(await hub.listen());
  await hub.seedCommune({ insee: INSEE, services: ['electoral'] });
});
afterAll(async () => {
  for (const c of cores) await c.close();
  await proxy.close();
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
});

async function pc(username: 'maire' | 'secretaire', deviceName: string): Promise<ClientCore & { dataDir: string }> {
  const core = await openCore(undefined, deviceName);
  cores.push(core);
  await call(core, 'session:login', { hubUrl: proxy.url, insee: INSEE, username, password: TEST_PASSWORD, deviceName });
  expect((await call(core, 'sync:now', null)).lastError).toBeNull();
  return core;
}

/** A scanned identity card as a real PDF: a line of text, and 2.5 MB of scan (incompressible) so it takes 3 upload requests. */
async function scannedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText("Carte nationale d'identite - copie certifiee", {
    x: 50,
    y: 780,
    size: 14,
    font: await doc.embedFont(StandardFonts.Helvetica),
  });
  await doc.attach(randomBytes(2_500_000), 'scan.bin', { mimeType: 'application/octet-stream' });
  return doc.save({ useObjectStreams: false });
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('justificatifs through the hub', () => {
  it('recorded offline, uploaded resumably before the demand, opened on another PC byte for byte', async () => {
    let a = await pc('secretaire', 'PC accueil');
    const scan = await scannedPdf();
    const bail = new TextEncoder().encode('%PDF-1.4\n% quittance de loyer\n%%EOF\n');

    // The line is down: the demand is recorded on the PC all the same.
    proxy.refuse = true;
    const input: CreateDemandInput = {
      kind: 'inscription',
      electorId: null,
      applicant: { birthName: 'NGUYEN', usageName: null, firstNames: 'Linh', birthDate: '1999-05-04' },
      newAddress: '3 rue de la Cité, 10000 Troyes',
      newBureauCode: '0001',
      comment: null,
      list: 'LP',
      depositDate: '2026-12-01',
      birthPlace: 'Hanoï (Viêt Nam)',
      email: null,
      files: [
        { piece: 'identite', fileName: 'cni.pdf', mime: 'application/pdf', content: scan },
        { piece: 'attache', fileName: 'quittance.pdf', mime: 'application/pdf', content: bail },
      ],
    };
    const demand = await call(a, 'electoral:create-demand', input);
    const scanSha = demand.justificatifs.find((j) => j.piece === 'identite')!.sha256;
    expect(scanSha).toBe(sha(scan));
    const offline = await call(a, 'sync:now', null);
    expect(offline.lastError?.code).toBe('offline');
    expect(offline.pending).toBe(1);

    // The line is back, but drops right after the hub stored the 2nd MB of the scan.
    proxy.refuse = false;
    let patches = 0;
    proxy.dropResponses(1, (method, path) => method === 'PATCH' && path.endsWith(scanSha) && ++patches === 2);
    const start = proxy.requests.length;
    const cut = await call(a, 'sync:now', null);
    expect(cut.lastError?.code).toBe('offline');
    expect(cut.pending).toBe(1);
    expect(proxy.requests.slice(start).some((r) => r.path.endsWith('/sync/push'))).toBe(false); // no demand before its pieces

    // The PC is restarted meanwhile: the upload queue is in its database, nothing is lost.
    await a.close();
    cores.splice(cores.indexOf(a), 1);
    a = await openCore(a.dataDir, 'PC accueil');
    cores.push(a);

    const resumeAt = proxy.requests.length;
    const ok = await call(a, 'sync:now', null);
    expect(ok).toMatchObject({ lastError: null, rejected: [], pending: 0 });
    const second = proxy.requests.slice(resumeAt);
    const scanPatches = second.filter((r) => r.method === 'PATCH' && r.path.endsWith(scanSha));
    expect(scanPatches[0]!.path).toBe(`/api/v1/electoral/justificatifs/${scanSha}`);
    expect(scanPatches[0]!.headers['upload-offset']).toBe(String(2 * 1024 * 1024)); // resumed where the hub was
    const pushAt = second.findIndex((r) => r.path.endsWith('/sync/push'));
    expect(pushAt).toBeGreaterThan(second.findLastIndex((r) => r.method === 'PATCH'));
    // Every byte of the scan crossed the line once.
    const sent = proxy.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(scanSha)).reduce((n, r) => n + r.bytes, 0);
    expect(sent).toBe(scan.byteLength);

    // On the hub: the demand, and its pieces whole, as justificatifs of the commune.
    const onHub = await hub.db.selectFrom('sync_records').select('data').where('id', '=', demand.id).executeTakeFirstOrThrow();
    expect(onHub.data).toContain(scanSha);
    const tags = await hub.db
      .selectFrom('file_tags')
      .select(['sha256', 'domain'])
      .where('sha256', 'in', [scanSha, sha(bail)])
      .execute();
    expect(tags.map((t) => t.domain)).toEqual(['electoral', 'electoral']);

    // The maire's PC never held the scan: « Ouvrir la pièce » downloads it from the hub.
    const b = await pc('maire', 'PC maire');
    const listed = await call(b, 'electoral:demands', { status: null });
    expect(listed.map((d) => d.id)).toContain(demand.id);
    const opened = await call(b, 'electoral:justificatif', { sha256: scanSha });
    expect(opened).toMatchObject({ fileName: 'cni.pdf', mime: 'application/pdf' });
    expect(sha(opened.content)).toBe(scanSha);
    const file = join(dir, 'opened.pdf');
    writeFileSync(file, opened.content);
    expect(execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' })).toContain("Carte nationale d'identite - copie certifiee");
    // Kept on B, private (identity papers), and never sent back up.
    const kept = join(b.dataDir, 'electoral-justificatifs', scanSha.slice(0, 2), scanSha);
    expect(statSync(kept).mode & 0o777).toBe(0o600);
    const beforeB = proxy.requests.length;
    proxy.refuse = true;
    expect(sha((await call(b, 'electoral:justificatif', { sha256: scanSha })).content)).toBe(scanSha); // offline: from B's copy
    proxy.refuse = false;
    expect((await call(b, 'sync:now', null)).lastError).toBeNull();
    expect(proxy.requests.slice(beforeB).filter((r) => r.method === 'PATCH')).toEqual([]);
  });
});
