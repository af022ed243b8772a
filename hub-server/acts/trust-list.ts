import { X509Certificate } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { TrustAnchor } from '../../shared/acts/hub-routes.js';
import { GuichetError } from '../../shared/errors.js';
import { nowIso } from '../db/dialect.js';
import type { HubDatabase } from '../db/schema.js';

/**
 * The département's trust list: the CAs whose certificates it recognises for
 * signing acts. The département's admin edits it on the hub
 * (`guichet hub admin trust-list`); PCs read it from `GET /api/v1/trust-list`
 * and keep a copy. It is one list for the whole hub (CA certificates are
 * public), hence a route rather than a synced collection, which is per tenant.
 */
const MAX_ANCHORS = 500;

/** PEM (one certificate, as `.pem` or base64 `.cer`) or DER (binary `.cer`). */
function certificateOf(file: Buffer): X509Certificate {
  try {
    return new X509Certificate(file);
  } catch (err) {
    throw new GuichetError(
      'invalid_input',
      "Ce fichier n'est pas un certificat lisible (PEM ou DER attendu).",
      `certificate parse: ${(err as Error).message}`,
    );
  }
}

/** One line `CN=…, O=…, C=FR` from Node's multi-line subject. */
export function subjectLine(cert: X509Certificate): string {
  return cert.subject.split('\n').reverse().join(', ');
}

export function anchorOf(file: Buffer): TrustAnchor {
  const cert = certificateOf(file);
  if (!cert.ca)
    throw new GuichetError(
      'invalid_input',
      "Ce certificat n'est pas celui d'une autorité de certification (AC) : ajoutez le certificat de l'AC qui délivre les certificats des signataires.",
      'not a CA certificate',
    );
  return {
    fingerprint: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
    subject: subjectLine(cert),
    notAfter: new Date(cert.validTo).toISOString(),
    pem: cert.toString(),
  };
}

export async function addTrustAnchor(db: Kysely<HubDatabase>, file: Buffer): Promise<TrustAnchor> {
  const anchor = anchorOf(file);
  const count = await db
    .selectFrom('acts_trust_anchors')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(count.n) >= MAX_ANCHORS)
    throw new GuichetError('invalid_input', `La liste de confiance compte déjà ${MAX_ANCHORS} AC.`, 'trust list full');
  await db
    .insertInto('acts_trust_anchors')
    .values({ fingerprint: anchor.fingerprint, subject: anchor.subject, not_after: anchor.notAfter, pem: anchor.pem, added_at: nowIso() })
    .onConflict((oc) => oc.column('fingerprint').doNothing())
    .execute();
  return anchor;
}

export async function listTrustAnchors(db: Kysely<HubDatabase>): Promise<TrustAnchor[]> {
  const rows = await db.selectFrom('acts_trust_anchors').selectAll().orderBy('subject').orderBy('fingerprint').execute();
  return rows.map((r) => ({ fingerprint: r.fingerprint, subject: r.subject, notAfter: r.not_after, pem: r.pem }));
}

/** `fingerprint` as printed by `list` (or with the colons OpenSSL prints). */
export async function removeTrustAnchor(db: Kysely<HubDatabase>, fingerprint: string): Promise<TrustAnchor> {
  const fp = fingerprint.replace(/:/g, '').toLowerCase();
  const found = (await listTrustAnchors(db)).find((a) => a.fingerprint === fp);
  if (!found) throw new GuichetError('not_found', `Aucune AC d'empreinte ${fp} dans la liste de confiance.`, 'unknown fingerprint');
  await db.deleteFrom('acts_trust_anchors').where('fingerprint', '=', fp).execute();
  return found;
}
