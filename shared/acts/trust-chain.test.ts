import { describe, expect, it } from 'vitest';
import { buildChain, type ChainLink, judgeChain, normalSerial, signatureVerdict, trustRefusal } from './trust-chain.js';

const link = (name: string, fingerprint: string, serial: string, from: string, to: string): ChainLink => ({
  name,
  fingerprint,
  serial,
  notBefore: new Date(from),
  notAfter: new Date(to),
});
const signer = link('Claire Martin', 's'.repeat(64), '1001', '2025-01-01T00:00:00Z', '2028-01-01T00:00:00Z');
const inter = link('AC Intermédiaire', 'i'.repeat(64), '0A', '2020-01-01T00:00:00Z', '2026-06-30T22:00:00Z');
const root = link('AC Racine', 'r'.repeat(64), '01', '2020-01-01T00:00:00Z', '2040-01-01T00:00:00Z');
const at = new Date('2026-12-06T10:00:00Z');

describe('the département’s judgement of a chain', () => {
  it('names the CA whose certificate expired, in Paris days', () => {
    const v = judgeChain([signer, inter, root], true, at, []);
    expect(v).toMatchObject({
      trusted: false,
      ca: 'AC Racine',
      problem: { kind: 'expired', signer: false, certificate: 'AC Intermédiaire' },
    });
    // 30/06/2026 22:00 UTC is already 01/07 in Paris.
    expect(signatureVerdict({ intact: true, ...v })).toBe('signature valide, certificat expiré le 01/07/2026 (AC « AC Intermédiaire »)');
    expect(trustRefusal(v, false)?.message).toBe(
      'Signature refusée : certificat expiré le 01/07/2026 (AC « AC Intermédiaire »). Demandez son renouvellement à votre autorité de certification.',
    );
    expect(judgeChain([signer, inter, root], true, new Date('2026-01-01T00:00:00Z'), [])).toEqual({
      trusted: true,
      ca: 'AC Racine',
      problem: null,
    });
  });

  it('revokes by the issuing CA’s CRL only, serials compared whatever their zeros and case', () => {
    expect(normalSerial('00A1')).toBe('a1');
    expect(normalSerial('0')).toBe('0');
    const crl = { caFingerprint: inter.fingerprint, revoked: [{ serial: '001001', revokedAt: '2026-11-30T12:00:00Z' }] };
    expect(judgeChain([signer, inter, root], true, new Date('2026-01-01T00:00:00Z'), [crl]).problem).toMatchObject({
      kind: 'revoked',
      signer: true,
    });
    expect(
      judgeChain([signer, inter, root], true, new Date('2026-01-01T00:00:00Z'), [{ ...crl, caFingerprint: root.fingerprint }]).problem,
    ).toBeNull();
  });

  it('blocks an unlisted CA only when the département says so; never blocks a listed, valid chain', () => {
    const unlisted = judgeChain([signer], false, at, []);
    expect(unlisted).toEqual({ trusted: false, ca: null, problem: null });
    expect(trustRefusal(unlisted, false)).toBeNull();
    expect(trustRefusal(unlisted, true)?.code).toBe('forbidden');
    expect(trustRefusal(judgeChain([signer, root], true, at, []), true)).toBeNull();
  });

  it('builds the chain through the certificates the signature carries, up to a listed CA', () => {
    type C = { fp: string; ca: boolean; by: string | null };
    const ops = { fingerprint: (c: C) => c.fp, isCa: (c: C) => c.ca, issues: (i: C, c: C) => c.by === i.fp };
    const s: C = { fp: 's', ca: false, by: 'i' };
    const i: C = { fp: 'i', ca: true, by: 'r' };
    const r: C = { fp: 'r', ca: true, by: 'r' };
    expect(buildChain(s, [i], [r], ops)).toEqual({ chain: [s, i, r], anchored: true });
    expect(buildChain(s, [], [r], ops)).toEqual({ chain: [s], anchored: false });
    expect(buildChain(s, [i, r], [], ops).anchored).toBe(false);
    expect(buildChain(i, [], [i], ops)).toEqual({ chain: [i], anchored: true });
  });
});
