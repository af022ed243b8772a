import { describe, expect, it } from 'vitest';
import {
  type CertificateSubject,
  checkSignerCertificate,
  isValidSiren,
  judgeSigner,
  signatureVerdict,
  sirenOfCertificate,
} from './signer-certificate.js';

const BAR = { siren: '211000328', name: 'Bar-sur-Seine' };
const subject = (s: Partial<CertificateSubject>): CertificateSubject => ({
  commonName: 'Claire Martin',
  organization: [],
  organizationIdentifier: [],
  serialNumber: [],
  ...s,
});
const FP = 'ab'.repeat(32);

describe('the SIREN a certificate names', () => {
  it('checks the SIREN key (Luhn)', () => {
    expect(isValidSiren('211000328')).toBe(true);
    expect(isValidSiren('211000329')).toBe(false);
    expect(isValidSiren('21100032')).toBe(false);
  });

  it.each([
    ['NTRFR-211000328', '211000328'],
    ['NTRFR-21100032800012', '211000328'],
    ['0002 211000328', '211000328'],
    ['0002:211000328', '211000328'],
    ['VATFR-40211000328', '211000328'],
    ['ntrfr-212702294', '212702294'],
  ])('organizationIdentifier %s', (value, siren) => {
    expect(sirenOfCertificate(subject({ organizationIdentifier: [value] }))).toEqual({ siren, source: 'organizationIdentifier' });
  });

  it.each([
    ['MAIRIE DE BAR-SUR-SEINE (211000328)', '211000328'],
    ['Commune de Bar-sur-Seine 211 000 328', '211000328'],
    ['MAIRIE DE BAR SUR SEINE - 21100032800012', '211000328'],
  ])('O %s', (value, siren) => {
    expect(sirenOfCertificate(subject({ organization: [value] }))).toEqual({ siren, source: 'O' });
  });

  it('serialNumber, and the order of authority organizationIdentifier > O > serialNumber', () => {
    expect(sirenOfCertificate(subject({ serialNumber: ['211000328'] }))).toEqual({ siren: '211000328', source: 'serialNumber' });
    expect(sirenOfCertificate(subject({ organizationIdentifier: ['NTRFR-212702294'], organization: ['MAIRIE (211000328)'] }))?.siren).toBe(
      '212702294',
    );
  });

  it('ignores numbers that are no SIREN (postcode, wrong key, longer runs)', () => {
    expect(sirenOfCertificate(subject({ organization: ['Mairie de Bar-sur-Seine 10110'] }))).toBeNull();
    expect(sirenOfCertificate(subject({ organization: ['Mairie 211000329'] }))).toBeNull();
    expect(sirenOfCertificate(subject({ serialNumber: ['1234567890123456789'] }))).toBeNull();
    expect(sirenOfCertificate(subject({ organization: ["Mairie d'Évreux"] }))).toBeNull();
  });
});

describe('whose certificate signs', () => {
  it('a matching SIREN signs without a question', () => {
    const s = subject({ organization: ['MAIRIE DE BAR-SUR-SEINE (211000328)'] });
    expect(judgeSigner(s, BAR).kind).toBe('match');
    expect(checkSignerCertificate(s, FP, BAR, null)).toBeNull();
  });

  it('another collectivité’s certificate is refused in French, naming both', () => {
    const s = subject({ commonName: 'Jeanne Dupont', organization: ["Mairie d'Évreux (212702294)"] });
    const refusal = checkSignerCertificate(s, FP, BAR, null);
    expect(refusal?.code).toBe('forbidden');
    expect(refusal?.message).toBe(
      "Ce certificat appartient à Jeanne Dupont, Mairie d'Évreux (SIREN 212702294), pas à Bar-sur-Seine (SIREN 211000328) : signez avec le certificat de la collectivité.",
    );
    // A confirmation does not make another collectivité's certificate acceptable.
    const confirmation = { by: 'Claire Martin', at: '2026-12-06T10:00:00Z', certificateSubject: 'CN=Jeanne Dupont', certificateSha256: FP };
    expect(checkSignerCertificate(s, FP, BAR, confirmation)?.code).toBe('forbidden');
  });

  it('no SIREN: refused without the signer’s confirmation about this very certificate, accepted with it', () => {
    const s = subject({ organization: ['Mairie'] });
    expect(judgeSigner(s, BAR).kind).toBe('no_siren');
    expect(checkSignerCertificate(s, FP, BAR, null)?.message).toMatch(/ne porte pas de SIREN/);
    const confirmation = { by: 'Claire Martin', at: '2026-12-06T10:00:00Z', certificateSubject: 'CN=Claire Martin', certificateSha256: FP };
    expect(checkSignerCertificate(s, FP, BAR, confirmation)).toBeNull();
    expect(checkSignerCertificate(s, 'cd'.repeat(32), BAR, confirmation)?.detail).toMatch(/another certificate/);
  });

  it('says the verdict on a signature in one way', () => {
    expect(signatureVerdict({ intact: true, trusted: true, ca: 'AC Test' })).toBe('signature valide, certificat reconnu (AC Test)');
    expect(signatureVerdict({ intact: true, trusted: false, ca: null })).toBe('signature valide, certificat non reconnu');
    expect(signatureVerdict({ intact: false, trusted: true, ca: 'AC Test' })).toBe('signature invalide');
  });
});
