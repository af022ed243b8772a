import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GuichetError } from '../../shared/errors.js';
import { createStandaloneContext, type StandaloneContext } from '../core/test-context.js';
import {
  extractLastSignature,
  makePki,
  opensslCadesVerify,
  opensslSerial,
  P12_PASSWORD,
  pdfsig,
  type Pki,
} from '../signing/test-fixtures.js';
import { createActsModule, type ActsModule } from './module.js';
import { applyHubRecord, CLASSIFICATION, deliberationPdf, draftInput } from './test-fixtures.js';

/**
 * Whose certificate signs, on the PC (shared/acts/signer-certificate.ts): real certificates
 * from the openssl CLI, the session's collectivité is Troyes (SIREN 211003876 in the test
 * context), and the produced PDF is checked by pdfsig and `openssl cms`.
 */
const SIREN = '211003876';
const EVREUX = '212702294';

let fixtures: string;
let pdf: Uint8Array<ArrayBuffer>;
const pkis: Record<string, Pki> = {};
let dir: string;
let sc: StandaloneContext;
let mod: ActsModule;

beforeAll(async () => {
  fixtures = mkdtempSync(join(tmpdir(), 'guichet-signer-'));
  pdf = await deliberationPdf(fixtures);
  const make = (name: string, signerSubject: string, caName?: string) => {
    pkis[name] = makePki(join(fixtures, name), { signerSubject, caName });
  };
  make('orgId', `/CN=Claire Martin/O=MAIRIE DE TROYES/organizationIdentifier=NTRFR-${SIREN}/C=FR`);
  make('o', `/CN=Claire Martin/O=MAIRIE DE TROYES (${SIREN})/C=FR`);
  make('serial', `/CN=Claire Martin/O=MAIRIE DE TROYES/serialNumber=${SIREN}/C=FR`);
  make('evreux', `/CN=Jeanne Dupont/O=Mairie d'Évreux (${EVREUX})/C=FR`);
  make('none', '/CN=Claire Martin/O=Mairie/C=FR', 'AC Autre');
}, 120_000);
afterAll(() => rmSync(fixtures, { recursive: true, force: true }));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'guichet-signer-pc-'));
  sc = createStandaloneContext({ dataDir: dir, role: 'maire', displayName: 'Claire Martin', logLevel: 'silent' });
  mod = createActsModule(sc.ctx);
  applyHubRecord(mod.collections, 'acts.classification', 'current', CLASSIFICATION);
});
afterEach(() => {
  sc.close();
  rmSync(dir, { recursive: true, force: true });
});

const h = () => mod.handlers;

async function withCertificate(pki: Pki) {
  await h()['acts:import-certificate']({ fileName: 'c.p12', content: new Uint8Array(readFileSync(pki.p12Aes)), password: P12_PASSWORD });
  return h()['acts:create'](draftInput(pdf));
}

async function refusal(fn: () => unknown): Promise<GuichetError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof GuichetError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

/** The département's list as the PC keeps it after fetching `GET /api/v1/trust-list` (electron/acts/trust-list.ts). */
function trustOnly(...cas: Pki[]) {
  writeTrustList(cas);
}

const fingerprintOf = (p: Pki) => new X509Certificate(readFileSync(p.caPem)).fingerprint256.replace(/:/g, '').toLowerCase();

function writeTrustList(cas: Pki[], extra: { crls?: unknown[]; requireListed?: boolean } = {}) {
  const anchors = cas.map((p) => {
    const c = new X509Certificate(readFileSync(p.caPem));
    return { fingerprint: fingerprintOf(p), subject: c.subject, notAfter: c.validTo, pem: c.toString() };
  });
  writeFileSync(join(dir, 'trust-list.json'), JSON.stringify({ anchors, ...extra, fetchedAt: new Date().toISOString() }));
  // A new module rereads the copy.
  sc.close();
  sc = createStandaloneContext({ dataDir: dir, role: 'maire', displayName: 'Claire Martin', logLevel: 'silent' });
  mod = createActsModule(sc.ctx);
  applyHubRecord(mod.collections, 'acts.classification', 'current', CLASSIFICATION);
}

describe('whose certificate signs, on the PC', () => {
  it.each(['orgId', 'o', 'serial'])(
    'signs with a certificate naming the commune’s SIREN (%s); pdfsig and openssl cms agree',
    async (name) => {
      const created = await withCertificate(pkis[name]);
      const view = await h()['acts:certificate'](null);
      expect(view?.checks?.collectivite).toEqual({ verdict: 'match', siren: SIREN, message: null });
      const signed = await h()['acts:sign']({ id: created.act.id, password: P12_PASSWORD });
      expect(signed.act.signature?.noSirenConfirmation).toBeUndefined();
      expect(signed.act.signature?.certificateSha256).toBe(view?.checks?.sha256);
      const path = join(dir, 'files', signed.act.actFile!.sha256.slice(0, 2), signed.act.actFile!.sha256);
      expect(pdfsig(path)[0]).toMatchObject({ valid: true, totalDocumentSigned: true });
      const { signedBytes, cms } = extractLastSignature(path);
      const checked = opensslCadesVerify(fixtures, signedBytes, cms, pkis[name].caPem);
      expect(checked.ok, checked.output).toBe(true);
    },
  );

  it('refuses another collectivité’s certificate before signing, in French', async () => {
    const created = await withCertificate(pkis.evreux);
    expect((await h()['acts:certificate'](null))?.checks?.collectivite.verdict).toBe('mismatch');
    for (const confirmNoSiren of [false, true]) {
      const err = await refusal(() => h()['acts:sign']({ id: created.act.id, password: P12_PASSWORD, confirmNoSiren }));
      expect(err.message).toBe(
        `Ce certificat appartient à Jeanne Dupont, Mairie d'Évreux (SIREN ${EVREUX}), pas à Troyes (SIREN ${SIREN}) : signez avec le certificat de la collectivité.`,
      );
    }
    expect((await h()['acts:get']({ id: created.act.id })).act.signature).toBeNull();
    expect(sc.outbox.list()).toHaveLength(1); // the draft only
  });

  it('asks for the signer’s confirmation when the certificate names no SIREN, and records who, when, subject and fingerprint', async () => {
    const created = await withCertificate(pkis.none);
    const view = await h()['acts:certificate'](null);
    expect(view?.checks?.collectivite).toMatchObject({ verdict: 'no_siren', message: expect.stringMatching(/ne porte pas de SIREN/) });
    const err = await refusal(() => h()['acts:sign']({ id: created.act.id, password: P12_PASSWORD }));
    expect(err.message).toMatch(/le signataire doit confirmer/);
    const signed = await h()['acts:sign']({ id: created.act.id, password: P12_PASSWORD, confirmNoSiren: true });
    expect(signed.act.signature?.noSirenConfirmation).toEqual({
      by: 'Claire Martin',
      at: signed.act.signature?.signedAtLocal,
      certificateSubject: 'CN=Claire Martin, O=Mairie, C=FR',
      certificateSha256: view?.checks?.sha256,
    });
  });
});

describe('an update waits for a signature', () => {
  it('marks the PC busy while it signs, idle once the act is signed', async () => {
    const created = await withCertificate(pkis.orgId);
    const signing = h()['acts:sign']({ id: created.act.id, password: P12_PASSWORD });
    expect(sc.ctx.busy.current().map((b) => b.kind)).toEqual(['signature']);
    expect((await signing).act.signature).toBeTruthy();
    expect(sc.ctx.busy.isBusy()).toBe(false);
  });
});

describe('the département’s trust list on the PC', () => {
  it('says « certificat reconnu (AC …) » when the chain leads to a listed CA, « non reconnu » otherwise', async () => {
    const created = await withCertificate(pkis.o);
    const signed = await h()['acts:sign']({ id: created.act.id, password: P12_PASSWORD });
    // Never fetched (no hub): nothing is recognised.
    expect((await h()['acts:certificate'](null))?.checks?.trust).toEqual({
      trusted: false,
      ca: null,
      problem: null,
      refusal: null,
      listFetchedAt: null,
    });
    expect(await h()['acts:signature-check']({ id: signed.act.id })).toMatchObject({
      intact: true,
      trusted: false,
      verdict: 'signature valide, certificat non reconnu',
    });

    trustOnly(pkis.none); // another CA only
    expect((await h()['acts:signature-check']({ id: signed.act.id }))?.verdict).toBe('signature valide, certificat non reconnu');

    trustOnly(pkis.none, pkis.o);
    expect(await h()['acts:signature-check']({ id: signed.act.id })).toMatchObject({
      intact: true,
      trusted: true,
      ca: 'AC Test Guichet',
      verdict: 'signature valide, certificat reconnu (AC Test Guichet)',
    });
    expect((await h()['acts:certificate'](null))?.checks?.trust).toMatchObject({ trusted: true, ca: 'AC Test Guichet' });
    expect(statSync(join(dir, 'trust-list.json')).isFile()).toBe(true);
  });

  it('refuses to sign with a certificate the listed CA revoked, and the act’s screen says « certificat révoqué le JJ/MM/AAAA » of an act signed before', async () => {
    const created = await withCertificate(pkis.serial);
    const signed = await h()['acts:sign']({ id: created.act.id, password: P12_PASSWORD });
    const serial = opensslSerial(pkis.serial.signerPem).toLowerCase();
    const crl = {
      caFingerprint: fingerprintOf(pkis.serial),
      issuer: 'CN=AC Test Guichet',
      thisUpdate: '2026-12-01T00:00:00.000Z',
      nextUpdate: null,
    };
    writeTrustList([pkis.serial], { crls: [{ ...crl, revoked: [{ serial, revokedAt: '2026-11-30T12:00:00.000Z' }] }] });
    const refusalText =
      'Signature refusée : certificat révoqué le 30/11/2026 par son autorité de certification. Demandez un nouveau certificat.';
    expect((await h()['acts:certificate'](null))?.checks?.trust).toMatchObject({
      trusted: false,
      problem: { kind: 'revoked' },
      refusal: refusalText,
    });
    const another = await h()['acts:create'](draftInput(pdf, { numeroInterne: 'DEL2026_013' }));
    expect((await refusal(() => h()['acts:sign']({ id: another.act.id, password: P12_PASSWORD }))).message).toBe(refusalText);
    expect((await h()['acts:get']({ id: another.act.id })).act.signature).toBeNull();
    expect((await h()['acts:signature-check']({ id: signed.act.id }))?.verdict).toBe('signature valide, certificat révoqué le 30/11/2026');

    // Another serial revoked: this certificate signs again.
    writeTrustList([pkis.serial], { crls: [{ ...crl, revoked: [{ serial: 'abcdef', revokedAt: '2026-11-30T12:00:00.000Z' }] }] });
    expect((await h()['acts:sign']({ id: another.act.id, password: P12_PASSWORD })).act.signature).toBeTruthy();
  });

  it('refuses an unlisted CA only when the département blocks unlisted CAs', async () => {
    writeTrustList([pkis.o], { requireListed: true });
    const created = await withCertificate(pkis.orgId); // another CA than pkis.o's
    const checks = (await h()['acts:certificate'](null))?.checks;
    expect(checks?.trust.refusal).toMatch(/n'est pas reconnue par le département, qui bloque les autorités non reconnues/);
    expect((await refusal(() => h()['acts:sign']({ id: created.act.id, password: P12_PASSWORD }))).message).toBe(checks?.trust.refusal);
    writeTrustList([pkis.o], { requireListed: false });
    expect((await h()['acts:certificate'](null))?.checks?.trust).toMatchObject({ trusted: false, refusal: null });
    expect((await h()['acts:sign']({ id: created.act.id, password: P12_PASSWORD })).act.signature).toBeTruthy();
  });
});
