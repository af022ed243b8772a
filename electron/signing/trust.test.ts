import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frenchDay, parisDay } from '../../shared/calendar.js';
import { signatureVerdict, type TrustVerdict } from '../../shared/acts/trust-chain.js';
import { signingKeyFromPkcs12 } from './key-store.js';
import { signPdf } from './pades.js';
import { makePdf, makePki, opensslSerial, P12_PASSWORD, type Pki } from './test-fixtures.js';
import { chainVerdict } from './trust.js';
import { isIntact, verifyPdf } from './verify.js';

/**
 * The chain judged at the signing time and against the CRLs of the trust list (what the act's
 * screen and `guichet verify` say): real certificates from the openssl CLI (« expired » valid
 * 12/03/2024 → 12/03/2025, « future » only from 2099), real PAdES signatures.
 */
let dir: string;
let pki: Pki;
let ca: Buffer;
let caFingerprint: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'guichet-misc-trust-'));
  pki = makePki(join(dir, 'pki'));
  await makePdf(join(dir, 'acte.pdf'), { objectStreams: false });
  ca = readFileSync(pki.caPem);
  caFingerprint = new X509Certificate(ca).fingerprint256.replace(/:/g, '').toLowerCase();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const der = (file: string) => Buffer.from(new X509Certificate(readFileSync(file)).raw);
const say = (t: TrustVerdict) => signatureVerdict({ intact: true, ...t });

describe('the chain judged at the signing time', () => {
  it('says « certificat expiré le JJ/MM/AAAA » after the certificate’s end, « pas encore valable » before its start, « reconnu » in between', () => {
    const expired = der(join(pki.dir, 'expired.pem'));
    expect(say(chainVerdict(expired, [], [ca], { at: new Date('2026-12-06T10:00:00Z') }))).toBe(
      'signature valide, certificat expiré le 12/03/2025',
    );
    const valid = der(pki.signerPem);
    const end = new X509Certificate(readFileSync(pki.signerPem)).validTo;
    expect(say(chainVerdict(valid, [], [ca], { at: new Date() }))).toBe('signature valide, certificat reconnu (AC Test Guichet)');
    expect(say(chainVerdict(valid, [], [ca], { at: new Date(Date.parse(end) + 86_400_000) }))).toBe(
      `signature valide, certificat expiré le ${frenchDay(parisDay(new Date(end)))}`,
    );
    expect(say(chainVerdict(der(join(pki.dir, 'future.pem')), [], [ca], { at: new Date('2026-12-06T10:00:00Z') }))).toBe(
      'signature valide, certificat pas encore valable (à partir du 01/01/2099)',
    );
    // Unlisted CA: the date still speaks.
    expect(chainVerdict(expired, [], [], { at: new Date() })).toMatchObject({ trusted: false, ca: null, problem: { kind: 'expired' } });
  });

  it('verify judges every certificate of the chain at the signing time the signature states, the CA’s too', async () => {
    // Signed in 2024 with a certificate then valid, under a CA whose certificate only starts today.
    const { key } = signingKeyFromPkcs12(readFileSync(pki.p12Expired), P12_PASSWORD, new Date('2024-06-01T10:00:00Z'));
    const out = join(dir, 'signe-2024.pdf');
    await signPdf({ input: join(dir, 'acte.pdf'), output: out, key, signingTime: new Date('2024-06-01T10:00:00Z') });
    const [s] = (await verifyPdf(out, { trustAnchors: [ca] })).signatures;
    expect(isIntact(s!)).toBe(true);
    expect(s!.trust).toMatchObject({ trusted: false, ca: 'AC Test Guichet', problem: { kind: 'not_yet_valid', signer: false } });
    const caStart = frenchDay(parisDay(new Date(new X509Certificate(ca).validFrom)));
    expect(say(s!.trust!)).toBe(`signature valide, certificat pas encore valable (à partir du ${caStart}) (AC « AC Test Guichet »)`);
  });

  it('says « certificat révoqué le JJ/MM/AAAA » when the listed CA’s CRL names the signer’s serial, not another CA’s', async () => {
    const { key } = signingKeyFromPkcs12(readFileSync(pki.p12Aes), P12_PASSWORD, new Date());
    const out = join(dir, 'signe.pdf');
    await signPdf({ input: join(dir, 'acte.pdf'), output: out, key });
    const serial = opensslSerial(pki.signerPem).toLowerCase();
    const revoked = [{ serial, revokedAt: '2026-11-30T12:00:00.000Z' }];
    const [s] = (await verifyPdf(out, { trustAnchors: [ca], crls: [{ caFingerprint, revoked }] })).signatures;
    expect(say(s!.trust!)).toBe('signature valide, certificat révoqué le 30/11/2026');
    const [t] = (await verifyPdf(out, { trustAnchors: [ca], crls: [{ caFingerprint: 'ab'.repeat(32), revoked }] })).signatures;
    expect(say(t!.trust!)).toBe('signature valide, certificat reconnu (AC Test Guichet)');
  });
});
