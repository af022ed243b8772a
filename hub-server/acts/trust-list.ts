import { createHash, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import type { Kysely } from 'kysely';
import forge from 'node-forge';
import type { TrustAnchor, TrustCrl, TrustList } from '../../shared/acts/hub-routes.js';
import { normalSerial } from '../../shared/acts/trust-chain.js';
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
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('acts_trust_crls').where('ca_fingerprint', '=', fp).execute();
    await trx.deleteFrom('acts_trust_anchors').where('fingerprint', '=', fp).execute();
  });
  return found;
}

// ── Revocation: CRLs of listed CAs ────────────────────────────────────────────

const MAX_REVOKED = 100_000;
/** CRL signature algorithms → digest (RSA PKCS#1 v1.5 and ECDSA, as the CAs of the RGS use). */
const CRL_DIGESTS: Record<string, string> = {
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

const notCrl = (detail: string): never => {
  throw new GuichetError('invalid_input', "Ce fichier n'est pas une liste de révocation (CRL) lisible, PEM ou DER.", detail);
};

/** One DER element at `at`: where its content starts and where it ends (the exact signed bytes are sliced, not re-encoded). */
function element(der: Buffer, at: number): { contentStart: number; end: number } {
  if (at + 2 > der.length) return notCrl('truncated');
  let pos = at + 1;
  let len = der[pos++];
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) return notCrl('length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[pos++];
  }
  if (pos + len > der.length) return notCrl('truncated');
  return { contentStart: pos, end: pos + len };
}

type Asn1 = forge.asn1.Asn1;
const kidsOf = (n: Asn1 | undefined): Asn1[] => (n && Array.isArray(n.value) ? (n.value as Asn1[]) : []);
const isTime = (n: Asn1 | undefined) =>
  n?.tagClass === forge.asn1.Class.UNIVERSAL && (n.type === forge.asn1.Type.UTCTIME || n.type === forge.asn1.Type.GENERALIZEDTIME);
const timeOf = (n: Asn1): string =>
  (n.type === forge.asn1.Type.UTCTIME
    ? forge.asn1.utcTimeToDate(n.value as string)
    : forge.asn1.generalizedTimeToDate(n.value as string)
  ).toISOString();

interface ParsedCrl {
  tbs: Buffer;
  digest: string;
  signature: Buffer;
  thisUpdate: string;
  nextUpdate: string | null;
  revoked: Array<{ serial: string; revokedAt: string }>;
}

/** RFC 5280 §5.1 CertificateList: the signed part (byte for byte), its signature and the revoked serials. */
export function parseCrl(file: Buffer): ParsedCrl {
  const pem = /-----BEGIN X509 CRL-----([\s\S]+?)-----END X509 CRL-----/.exec(file.toString('latin1'));
  const der = pem ? Buffer.from(pem[1].replace(/\s+/g, ''), 'base64') : file;
  if (der[0] !== 0x30) notCrl('not a SEQUENCE');
  const outer = element(der, 0);
  const tbsEl = element(der, outer.contentStart);
  const tbs = der.subarray(outer.contentStart, tbsEl.end);
  const algEl = element(der, tbsEl.end);
  const sigEl = element(der, algEl.end);
  if (der[algEl.end] !== 0x03) notCrl('no signature BIT STRING');
  const signature = der.subarray(sigEl.contentStart + 1, sigEl.end);
  let tbsNode: Asn1;
  let algNode: Asn1;
  try {
    tbsNode = forge.asn1.fromDer(tbs.toString('binary'));
    algNode = forge.asn1.fromDer(der.subarray(tbsEl.end, algEl.end).toString('binary'));
  } catch (err) {
    return notCrl(`ASN.1: ${(err as Error).message}`);
  }
  const oid = forge.asn1.derToOid(String(kidsOf(algNode)[0]?.value ?? ''));
  const digest = CRL_DIGESTS[oid] ?? notCrl(`signature algorithm ${oid}`);
  const fields = kidsOf(tbsNode);
  let i = fields[0]?.type === forge.asn1.Type.INTEGER ? 1 : 0; // version v2
  i += 2; // signature algorithm, issuer
  if (!isTime(fields[i])) notCrl('no thisUpdate');
  const thisUpdate = timeOf(fields[i++]);
  const nextUpdate = isTime(fields[i]) ? timeOf(fields[i++]) : null;
  const list = fields[i]?.tagClass === forge.asn1.Class.UNIVERSAL && fields[i]?.type === forge.asn1.Type.SEQUENCE ? kidsOf(fields[i]) : [];
  if (list.length > MAX_REVOKED) notCrl(`${list.length} entries`);
  const revoked = list.map((entry) => {
    const [serial, date] = kidsOf(entry);
    if (!serial || !isTime(date)) return notCrl('revoked entry');
    return { serial: normalSerial(forge.util.bytesToHex(String(serial.value))), revokedAt: timeOf(date) };
  });
  return { tbs, digest, signature, thisUpdate, nextUpdate, revoked };
}

/**
 * Adds (or replaces with a newer one) the CRL of a listed CA: its signature must verify with the
 * key of a CA of the list, which is the CA whose certificates it revokes. A CRL of an unlisted
 * CA, or older than the one kept, is refused.
 */
export async function addTrustCrl(db: Kysely<HubDatabase>, file: Buffer): Promise<TrustCrl> {
  const crl = parseCrl(file);
  const anchors = await listTrustAnchors(db);
  const ca = anchors.find((a) => {
    try {
      return cryptoVerify(crl.digest, crl.tbs, new X509Certificate(a.pem).publicKey, crl.signature);
    } catch {
      return false;
    }
  });
  if (!ca)
    throw new GuichetError(
      'invalid_input',
      "Cette CRL n'est signée par aucune AC de la liste de confiance : ajoutez d'abord le certificat de l'AC (trust-list add).",
      'CRL signature verifies with no listed CA',
    );
  const kept = await db.selectFrom('acts_trust_crls').select('this_update').where('ca_fingerprint', '=', ca.fingerprint).executeTakeFirst();
  if (kept && Date.parse(kept.this_update) > Date.parse(crl.thisUpdate))
    throw new GuichetError(
      'conflict',
      `Cette CRL (du ${new Date(crl.thisUpdate).toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' })}) est plus ancienne que celle déjà enregistrée pour ${ca.subject}.`,
      'older CRL',
    );
  const row = {
    ca_fingerprint: ca.fingerprint,
    issuer: ca.subject,
    this_update: crl.thisUpdate,
    next_update: crl.nextUpdate,
    sha256: createHash('sha256').update(file).digest('hex'),
    revoked: JSON.stringify(crl.revoked),
    added_at: nowIso(),
  };
  await db
    .insertInto('acts_trust_crls')
    .values(row)
    .onConflict((oc) => oc.column('ca_fingerprint').doUpdateSet({ ...row }))
    .execute();
  return {
    caFingerprint: ca.fingerprint,
    issuer: ca.subject,
    thisUpdate: crl.thisUpdate,
    nextUpdate: crl.nextUpdate,
    revoked: crl.revoked,
  };
}

export async function listTrustCrls(db: Kysely<HubDatabase>): Promise<TrustCrl[]> {
  const rows = await db.selectFrom('acts_trust_crls').selectAll().orderBy('issuer').orderBy('ca_fingerprint').execute();
  return rows.map((r) => ({
    caFingerprint: r.ca_fingerprint,
    issuer: r.issuer,
    thisUpdate: r.this_update,
    nextUpdate: r.next_update,
    revoked: JSON.parse(r.revoked) as TrustCrl['revoked'],
  }));
}

// ── « Bloquer les autorités non reconnues » ──────────────────────────────────

export async function requireListed(db: Kysely<HubDatabase>): Promise<boolean> {
  const row = await db.selectFrom('acts_trust_settings').select('value').where('name', '=', 'require_listed').executeTakeFirst();
  return row?.value === 'on';
}

export async function setRequireListed(db: Kysely<HubDatabase>, on: boolean): Promise<void> {
  const row = { name: 'require_listed', value: on ? 'on' : 'off', updated_at: nowIso() };
  await db
    .insertInto('acts_trust_settings')
    .values(row)
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: row.value, updated_at: row.updated_at }))
    .execute();
}

/** What `GET /api/v1/trust-list` serves: the CAs, their CRLs, the blocking setting. */
export async function trustListDocument(db: Kysely<HubDatabase>): Promise<TrustList> {
  return { anchors: await listTrustAnchors(db), crls: await listTrustCrls(db), requireListed: await requireListed(db) };
}
