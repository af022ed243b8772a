import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ACTS_HUB_ROUTES } from '../../shared/acts/hub-routes.js';
import { HUB_ROUTES } from '../../shared/api/hub.js';
import type { ActRecord, ActStatusRecord, StoredFile } from '../../shared/acts/records.js';
import type { PullResponse, PushResult, SyncRecord } from '../../shared/sync/protocol.js';
import { createServer } from 'node:net';
import { pdf as unsignedPdf, png } from './actes-format/test-fixtures.js';
import { confirmationFor, noSirenSigner, signTestPdf } from './test-signing.js';

/** A free loopback port (for a mailbox the simulator must know before it starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Helpers shared by the ACTES hub tests (real hub, inject or real HTTP). */
export const sha256Of = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export function storedFile(content: Uint8Array, fileName: string, mime: StoredFile['mime'] = 'application/pdf'): StoredFile {
  return { sha256: sha256Of(content), fileName, size: content.byteLength, mime };
}

/** A distinct small PDF per act, so acts do not share files, signed (the hub checks who signed) by a no-SIREN certificate. */
export function uniquePdf(tag: string): Buffer {
  return signTestPdf(Buffer.concat([unsignedPdf, Buffer.from(`%${tag}\n`, 'latin1')]), noSirenSigner());
}

/** The test PDF, signed as the mayor's PC signs it. */
export const pdf = signTestPdf(unsignedPdf, noSirenSigner());

/** The `signature` of an act signed on the PC with the test certificate, its no-SIREN confirmation included. */
export function testSignature(): NonNullable<ActRecord['signature']> {
  const signer = noSirenSigner();
  return {
    signerName: 'Le maire',
    signedAtLocal: '2026-11-21T10:00:00',
    certificateSerial: '01',
    certificateSha256: signer.certificateSha256,
    noSirenConfirmation: confirmationFor(signer),
  };
}

/** A hub reached in-process (inject) or over real HTTP (base URL). */
export type HubTarget = FastifyInstance | string;

interface Answer {
  statusCode: number;
  body: string;
  json(): unknown;
}

export async function call(
  target: HubTarget,
  req: { method: string; url: string; headers?: Record<string, string>; payload?: unknown },
): Promise<Answer> {
  if (typeof target !== 'string') {
    const res = await target.inject({
      method: req.method as 'GET',
      url: req.url,
      headers: req.headers,
      payload: req.payload as string | undefined,
    });
    return { statusCode: res.statusCode, body: res.body, json: () => res.json() };
  }
  const isBytes = req.payload instanceof Uint8Array;
  const res = await fetch(target + req.url, {
    method: req.method,
    headers: { ...(req.payload !== undefined && !isBytes ? { 'content-type': 'application/json' } : {}), ...req.headers },
    body: req.payload === undefined ? undefined : isBytes ? (req.payload as Uint8Array<ArrayBuffer>) : JSON.stringify(req.payload),
  });
  const body = await res.text();
  return { statusCode: res.status, body, json: () => JSON.parse(body) };
}

export async function upload(app: HubTarget, token: string, content: Uint8Array): Promise<number> {
  const res = await call(app, {
    method: 'PATCH',
    url: ACTS_HUB_ROUTES.fileUpload.path.replace(':sha256', sha256Of(content)),
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/offset+octet-stream',
      'upload-offset': '0',
      'upload-length': String(content.byteLength),
    },
    payload: Buffer.from(content),
  });
  return res.statusCode;
}

/**
 * An act as the PC pushes it once signed and asked to transmit (unless `signed: false`):
 * only a role with acts.transmit (the mayor) may push such a record.
 */
export function actRecord(p: {
  numero?: string;
  actFile: Uint8Array | null;
  annexes?: Uint8Array[];
  signed?: boolean;
  id?: string;
  classificationDateVersion?: string;
}): ActRecord {
  const annexes = p.annexes ?? [];
  return {
    id: p.id ?? randomUUID(),
    draft: {
      numeroInterne: p.numero ?? 'DEL2026_001',
      decisionDate: '2026-11-20',
      codeNatureActe: 1,
      matieres: [8, 3],
      objet: 'Dénomination de la place de l’Église',
      classificationDateVersion: p.classificationDateVersion ?? '2019-04-18',
      documentPapier: false,
      act: { fileName: 'deliberation.pdf', size: p.actFile?.byteLength ?? 0, kind: 'pdf', typology: '99_DE' },
      annexes: annexes.map((a, i) => ({ fileName: `annexe-${i + 1}.png`, size: a.byteLength, kind: 'png' as const, typology: '21_RP' })),
    },
    actFile: p.actFile ? storedFile(p.actFile, 'deliberation.pdf') : null,
    annexFiles: annexes.map((a, i) => storedFile(a, `annexe-${i + 1}.png`, 'image/png')),
    signature: p.signed === false ? null : testSignature(),
    transmitRequested: true,
    createdBy: 'secretaire',
    createdAtLocal: '2026-11-20T09:00:00',
  };
}

export { png };

let mutationCounter = 1;

export async function push(app: HubTarget, token: string, mutations: object[]): Promise<PushResult[]> {
  const res = await call(app, {
    method: 'POST',
    url: HUB_ROUTES.syncPush.path,
    headers: { authorization: `Bearer ${token}` },
    payload: { mutations: mutations.map((m) => ({ mutationId: mutationCounter++, ...m })) },
  });
  if (res.statusCode !== 200) throw new Error(`push ${res.statusCode}: ${res.body}`);
  return (res.json() as { results: PushResult[] }).results;
}

export const upsertAct = (act: ActRecord) => ({ kind: 'upsert', collection: 'acts.acts', recordId: act.id, baseVersion: null, data: act });
export const command = (name: string, payload: unknown) => ({ kind: 'command', name, payload });

/** Everything the caller may pull, from cursor 0. */
export async function pullAll(app: HubTarget, token: string): Promise<SyncRecord[]> {
  const out: SyncRecord[] = [];
  let cursor = 0;
  for (;;) {
    const res = await call(app, {
      method: 'GET',
      url: `${HUB_ROUTES.syncPull.path}?cursor=${cursor}`,
      headers: { authorization: `Bearer ${token}` },
    });
    const body = res.json() as PullResponse;
    out.push(...body.changes);
    cursor = body.cursor;
    if (!body.hasMore) return out;
  }
}

export async function pulledStatus(app: HubTarget, token: string, actId: string): Promise<ActStatusRecord | null> {
  const r = (await pullAll(app, token)).find((x) => x.collection === 'acts.status' && x.id === actId);
  return (r?.data as ActStatusRecord | undefined) ?? null;
}

export async function waitFor<T>(what: string, f: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
