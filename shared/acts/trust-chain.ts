import type { RuleRefusal } from '../domain/spec.js';
import { frenchDay, parisDay } from '../calendar.js';

/**
 * The département's judgement of a signer certificate, one home for the PC (before
 * signing, on the act's screen, `guichet verify`) and the hub (at `acts.transmit`):
 * does the chain reach a CA of the trust list, was every certificate of the chain
 * valid at the signing time, is one of them revoked by a CRL the département added,
 * and does the département block unlisted CAs. Pure: each side builds the chain
 * with its own crypto (the `issues` test) and hands the links here.
 */

/** A certificate of the chain as the rule reads it. */
export interface ChainLink {
  /** SHA-256 of the DER, lower-case hex. */
  fingerprint: string;
  /** Serial number, lower-case hex without leading zeros (as CRL entries are compared). */
  serial: string;
  /** Common name, for the sentences. */
  name: string;
  notBefore: Date;
  notAfter: Date;
}

/** The revoked serials of one listed CA, as the hub serves them (`GET /api/v1/trust-list`). */
export interface CrlEntries {
  caFingerprint: string;
  revoked: ReadonlyArray<{ serial: string; revokedAt: string }>;
}

export interface TrustProblem {
  kind: 'expired' | 'not_yet_valid' | 'revoked';
  /** The expiry, start of validity or revocation date (ISO). */
  date: string;
  /** Common name of the certificate concerned (the signer's or a CA's). */
  certificate: string;
  /** Whether it is the signer's own certificate (not a CA of its chain). */
  signer: boolean;
}

export interface TrustVerdict {
  /** The chain reaches a listed CA and no certificate of it is expired, not yet valid or revoked. */
  trusted: boolean;
  /** Common name of the listed CA the chain reached (even when a problem stops it being trusted). */
  ca: string | null;
  problem: TrustProblem | null;
}

export interface ChainOps<C> {
  fingerprint(c: C): string;
  isCa(c: C): boolean;
  /** `issuer` issued `cert`: names match and `issuer`'s key verifies `cert`'s signature. */
  issues(issuer: C, cert: C): boolean;
}

const MAX_DEPTH = 8;

/**
 * The chain from the signer through the certificates the signature carries (`pool`) up to a
 * listed CA: `anchored` when it reaches one (then the chain ends with it; a listed certificate
 * used directly is its own chain).
 */
export function buildChain<C>(signer: C, pool: readonly C[], anchors: readonly C[], ops: ChainOps<C>): { chain: C[]; anchored: boolean } {
  const chain = [signer];
  let current = signer;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const fp = ops.fingerprint(current);
    const listed = anchors.find((a) => ops.fingerprint(a) === fp);
    if (listed) return { chain, anchored: true };
    const anchor = anchors.find((a) => ops.issues(a, current));
    if (anchor) return { chain: [...chain, anchor], anchored: true };
    const next = pool.find((c) => ops.fingerprint(c) !== fp && ops.isCa(c) && !chain.includes(c) && ops.issues(c, current));
    if (!next) break;
    chain.push(next);
    current = next;
  }
  return { chain, anchored: false };
}

/** Lower-case hex without leading zeros: `00A1` (a DER INTEGER) and `a1` (openssl) are one serial. */
export function normalSerial(hex: string): string {
  return hex.toLowerCase().replace(/^0+(?=.)/, '');
}

/**
 * `at`: the signing time (now when signing; the time the signature states when verifying), null
 * when unknown (validity then not judged). Revocation is judged whatever `at`: without a trusted
 * timestamp the stated signing time cannot prove the signature predates the revocation.
 */
export function judgeChain(links: readonly ChainLink[], anchored: boolean, at: Date | null, crls: readonly CrlEntries[]): TrustVerdict {
  const ca = anchored ? (links[links.length - 1]?.name ?? null) : null;
  let problem: TrustProblem | null = null;
  for (let i = 0; i + 1 < links.length && !problem; i++) {
    const crl = crls.find((c) => c.caFingerprint === links[i + 1].fingerprint);
    const entry = crl?.revoked.find((r) => normalSerial(r.serial) === normalSerial(links[i].serial));
    if (entry) problem = { kind: 'revoked', date: entry.revokedAt, certificate: links[i].name, signer: i === 0 };
  }
  if (at)
    for (let i = 0; i < links.length && !problem; i++) {
      const link = links[i];
      if (at.getTime() > link.notAfter.getTime())
        problem = { kind: 'expired', date: link.notAfter.toISOString(), certificate: link.name, signer: i === 0 };
      else if (at.getTime() < link.notBefore.getTime())
        problem = { kind: 'not_yet_valid', date: link.notBefore.toISOString(), certificate: link.name, signer: i === 0 };
    }
  return { trusted: anchored && !problem, ca, problem };
}

const day = (iso: string) => frenchDay(parisDay(new Date(iso)));

/** « certificat expiré le JJ/MM/AAAA », as every screen and `guichet verify` say it. */
export function problemPhrase(p: TrustProblem): string {
  const whose = p.signer ? '' : ` (AC « ${p.certificate} »)`;
  if (p.kind === 'revoked') return `certificat révoqué le ${day(p.date)}${whose}`;
  if (p.kind === 'expired') return `certificat expiré le ${day(p.date)}${whose}`;
  return `certificat pas encore valable (à partir du ${day(p.date)})${whose}`;
}

/** The verdict on a signature: « signature valide, certificat reconnu (AC …) », « … expiré le JJ/MM/AAAA », « signature invalide ». */
export function signatureVerdict(s: { intact: boolean; trusted: boolean; ca: string | null; problem?: TrustProblem | null }): string {
  if (!s.intact) return 'signature invalide';
  if (s.problem) return `signature valide, ${problemPhrase(s.problem)}`;
  return s.trusted
    ? `signature valide, certificat reconnu (${s.ca ?? 'AC de la liste de confiance'})`
    : 'signature valide, certificat non reconnu';
}

/**
 * Whether a certificate may sign (PC) or a signed act be transmitted (hub): never with a
 * certificate expired, not yet valid or revoked at the signing time; never with an unlisted CA
 * when the département blocks them (`requireListed`, « bloquer les autorités non reconnues »).
 */
export function trustRefusal(v: TrustVerdict, requireListed: boolean): RuleRefusal | null {
  if (v.problem)
    return {
      code: 'forbidden',
      message:
        v.problem.kind === 'revoked'
          ? `Signature refusée : ${problemPhrase(v.problem)} par son autorité de certification. Demandez un nouveau certificat.`
          : v.problem.kind === 'expired'
            ? `Signature refusée : ${problemPhrase(v.problem)}. Demandez son renouvellement à votre autorité de certification.`
            : `Signature refusée : ${problemPhrase(v.problem)}. Vérifiez la date de l'ordinateur.`,
      detail: `certificate chain ${v.problem.kind} (${v.problem.signer ? 'signer' : 'CA'})`,
    };
  if (requireListed && !v.ca)
    return {
      code: 'forbidden',
      message:
        "Signature refusée : l'autorité de certification de ce certificat n'est pas reconnue par le département, qui bloque les autorités non reconnues. Signez avec un certificat d'une AC de la liste de confiance.",
      detail: 'unlisted CA while the département requires listed ones',
    };
  return null;
}
