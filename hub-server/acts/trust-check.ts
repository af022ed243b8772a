import { X509Certificate } from 'node:crypto';
import type { Kysely } from 'kysely';
import { buildChain, type ChainLink, judgeChain, normalSerial, type TrustVerdict } from '../../shared/acts/trust-chain.js';
import type { HubDatabase } from '../db/schema.js';
import type { SignerCertificate } from './signed-act.js';
import { listTrustAnchors, listTrustCrls, requireListed } from './trust-list.js';

/**
 * The département's judgement of the certificate that really signed an act (read from
 * the PDF, signed-act.ts), at `acts.transmit`: the same rule as the PC's before signing
 * (shared/acts/trust-chain.ts), so a modified PC cannot transmit an act signed with a
 * revoked or expired certificate, nor with an unlisted CA when the département blocks them.
 */
const OPS = {
  fingerprint: (c: X509Certificate) => c.fingerprint256.replace(/:/g, '').toLowerCase(),
  isCa: (c: X509Certificate) => c.ca,
  issues(issuer: X509Certificate, cert: X509Certificate): boolean {
    try {
      return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
    } catch {
      return false;
    }
  },
};

function link(cert: X509Certificate): ChainLink {
  const cn = cert.subject.split('\n').find((l) => l.startsWith('CN='));
  return {
    fingerprint: OPS.fingerprint(cert),
    serial: normalSerial(cert.serialNumber),
    name: cn ? cn.slice(3) : cert.subject.split('\n').join(', '),
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
  };
}

function parsed(ders: Array<Buffer | string>): X509Certificate[] {
  return ders.flatMap((d) => {
    try {
      return [new X509Certificate(d)];
    } catch {
      return [];
    }
  });
}

/**
 * `at`: the signing time the signature states, else `fallback` (the transmission's time: a
 * signature claiming no time is judged as if made now).
 */
export async function judgeSignerTrust(
  db: Kysely<HubDatabase>,
  signer: SignerCertificate,
  fallback: Date,
): Promise<{ verdict: TrustVerdict; requireListed: boolean }> {
  const anchors = parsed((await listTrustAnchors(db)).map((a) => a.pem));
  const { chain, anchored } = buildChain(new X509Certificate(signer.der), parsed(signer.others), anchors, OPS);
  const verdict = judgeChain(chain.map(link), anchored, signer.signingTime ?? fallback, await listTrustCrls(db));
  return { verdict, requireListed: await requireListed(db) };
}
