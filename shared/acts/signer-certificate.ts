import type { RuleRefusal } from '../domain/spec.js';

/**
 * Whose certificate signs an act: the one home of the rule the PC applies before
 * signing and the hub applies again, on the certificate it reads from the signed
 * PDF itself, when the transmission is asked.
 *
 * Where a French certificate names its organisation's SIREN (RGS / eIDAS profiles,
 * ETSI EN 319 412-1 §5.1.4 and the ANSSI RGS certificate profiles):
 * - `organizationIdentifier` (OID 2.5.4.97): `NTRFR-<SIREN or SIRET>` (eIDAS), or the
 *   older ISO 6523 form `0002 <SIREN>` (ICD 0002 = SIRENE), sometimes `VATFR-kk<SIREN>`;
 * - `O` (organizationName): « MAIRIE DE X (213100557) », or a SIREN / SIRET within it;
 * - `serialNumber` (OID 2.5.4.5), some seal (cachet) profiles put the SIREN or SIRET there.
 * A personal certificate may carry none of them: the signer must then confirm, once per
 * signature, that it is the collectivité's certificate, and the act keeps that confirmation.
 */

/** The subject attributes the rule reads, as found in the certificate (several values possible). */
export interface CertificateSubject {
  commonName: string | null;
  organization: string[];
  organizationIdentifier: string[];
  serialNumber: string[];
}

export type SirenSource = 'organizationIdentifier' | 'O' | 'serialNumber';

export interface CollectiviteRef {
  siren: string;
  name: string;
}

/** The signer's confirmation of a certificate without SIREN (recorded in the act). */
export interface NoSirenConfirmation {
  by: string;
  at: string;
  certificateSubject: string;
  certificateSha256: string;
}

/** Luhn key of the SIREN (INSEE); rules out a 9-digit number that happens to sit in a name. */
export function isValidSiren(siren: string): boolean {
  if (!/^[0-9]{9}$/.test(siren)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let d = Number(siren[8 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** A SIREN (9 digits) or SIRET (14 digits, SIREN + NIC) standing alone, digits possibly grouped by spaces. */
const NUMBER_RUN = /(?<![0-9])([0-9]{3} ?[0-9]{3} ?[0-9]{3})(?: ?[0-9]{5})?(?![0-9])/g;

function sirenIn(text: string): string | null {
  for (const m of text.matchAll(NUMBER_RUN)) {
    const siren = m[1].replace(/ /g, '');
    if (isValidSiren(siren)) return siren;
  }
  return null;
}

/** `NTRFR-213100557`, `NTRFR-21310055700013`, `0002 213100557`, `0002:213100557`, `VATFR-40213100557`. */
function sirenOfOrganizationIdentifier(value: string): string | null {
  const v = value.trim().toUpperCase();
  const m =
    /^NTRFR-([0-9]{9})(?:[0-9]{5})?$/.exec(v) ?? /^0002[ :]?([0-9]{9})(?:[0-9]{5})?$/.exec(v) ?? /^VATFR-[0-9A-Z]{2}([0-9]{9})$/.exec(v);
  // The prefix says what follows: no key check (a typo in the CA's file is still that SIREN, and a mismatch shows it).
  return m ? m[1] : null;
}

/** The first SIREN the certificate names, looking where the profiles put it, in their order of authority. */
export function sirenOfCertificate(subject: CertificateSubject): { siren: string; source: SirenSource } | null {
  for (const v of subject.organizationIdentifier) {
    const siren = sirenOfOrganizationIdentifier(v) ?? sirenIn(v);
    if (siren) return { siren, source: 'organizationIdentifier' };
  }
  for (const v of subject.organization) {
    const siren = sirenIn(v);
    if (siren) return { siren, source: 'O' };
  }
  for (const v of subject.serialNumber) {
    const siren = sirenOfOrganizationIdentifier(v) ?? sirenIn(v);
    if (siren) return { siren, source: 'serialNumber' };
  }
  return null;
}

export type SignerVerdict =
  | { kind: 'match'; siren: string; source: SirenSource }
  | { kind: 'mismatch'; siren: string; source: SirenSource; message: string }
  | { kind: 'no_siren'; message: string };

export const NO_SIREN_CONFIRMATION =
  'Ce certificat ne porte pas de SIREN : rien ne dit qu’il appartient à la collectivité. Je confirme qu’il est celui de la collectivité et que j’ai qualité pour signer en son nom.';

/** Who the certificate says it belongs to, for the refusal sentence. */
function holderOf(subject: CertificateSubject): string {
  const org = subject.organization.map((o) => o.replace(/\s*\([0-9 ]+\)\s*$/, '').trim()).find((o) => o.length > 0);
  return [subject.commonName, org].filter(Boolean).join(', ') || 'un autre titulaire';
}

/** Compares the certificate's SIREN with the collectivité's. */
export function judgeSigner(subject: CertificateSubject, collectivite: CollectiviteRef): SignerVerdict {
  const found = sirenOfCertificate(subject);
  if (!found) return { kind: 'no_siren', message: NO_SIREN_CONFIRMATION };
  if (found.siren === collectivite.siren) return { kind: 'match', ...found };
  return {
    kind: 'mismatch',
    ...found,
    message: `Ce certificat appartient à ${holderOf(subject)} (SIREN ${found.siren}), pas à ${collectivite.name} (SIREN ${collectivite.siren}) : signez avec le certificat de la collectivité.`,
  };
}

/**
 * The rule: a certificate naming another SIREN never signs for the collectivité; one naming
 * none signs only with the signer's recorded confirmation about that very certificate.
 */
export function checkSignerCertificate(
  subject: CertificateSubject,
  certificateSha256: string,
  collectivite: CollectiviteRef,
  confirmation: NoSirenConfirmation | null | undefined,
): RuleRefusal | null {
  const verdict = judgeSigner(subject, collectivite);
  if (verdict.kind === 'match') return null;
  if (verdict.kind === 'mismatch')
    return {
      code: 'forbidden',
      message: verdict.message,
      detail: `certificate SIREN from ${verdict.source} differs from the collectivité's`,
    };
  if (!confirmation || confirmation.certificateSha256.toLowerCase() !== certificateSha256.toLowerCase())
    return {
      code: 'invalid_input',
      message:
        'Ce certificat ne porte pas de SIREN : le signataire doit confirmer qu’il est celui de la collectivité avant de signer (la confirmation est inscrite dans l’historique de l’acte).',
      detail: confirmation ? 'no-SIREN confirmation about another certificate' : 'no-SIREN certificate without confirmation',
    };
  return null;
}

/** One line naming a certificate in the act's history: its subject and SHA-256 fingerprint. */
export function describeConfirmation(c: NoSirenConfirmation, when: string): string {
  return `Confirmé par ${c.by} le ${when} ; certificat « ${c.certificateSubject} », empreinte SHA-256 ${c.certificateSha256}.`;
}

/** The verdict on a signature as every screen and `guichet verify` say it (with dates and revocation: trust-chain.ts). */
export { signatureVerdict } from './trust-chain.js';
