import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSMIT_COMMAND } from '../../shared/acts/commands.js';
import { ACTS_HUB_ROUTES } from '../../shared/acts/hub-routes.js';
import { createTestHub, TEST_BACKENDS, type SeededCommune, type TestHub } from '../test-support.js';
import { pdf as unsignedPdf } from './actes-format/test-fixtures.js';
import { actRecord, command, pulledStatus, push, upload, upsertAct } from './test-support.js';
import { confirmationFor, makeTestSigner, signTestPdf, type TestSigner } from './test-signing.js';
import { addTrustAnchor, listTrustAnchors, removeTrustAnchor } from './trust-list.js';

const TROYES_SIREN = '211003744';
const EVREUX_SIREN = '212702294';
const cn = (value: string) => ({ name: 'commonName', value });
const o = (value: string) => ({ name: 'organizationName', value });
const orgId = (value: string) => ({ type: '2.5.4.97', value });
const serial = (value: string) => ({ name: 'serialNumber', value, valueTagClass: forge.asn1.Type.PRINTABLESTRING });

describe.each(TEST_BACKENDS)('whose certificate signs, checked by the hub on the signed PDF (%s)', (backend) => {
  let hub: TestHub;
  let troyes: SeededCommune;
  let n = 0;

  beforeAll(async () => {
    hub = await createTestHub(backend);
    troyes = await hub.seedCommune({ insee: '10387', services: ['acts'] });
  });
  afterAll(() => hub?.close());

  /** The mayor's PC pushes an act signed by `signer` (with the confirmation it claims), then asks to transmit it. */
  async function signAndTransmit(signer: TestSigner, opts: { confirm?: TestSigner; tamper?: boolean } = {}) {
    n++;
    let file = signTestPdf(Buffer.concat([unsignedPdf, Buffer.from(`%signer-${backend}-${n}\n`, 'latin1')]), signer);
    if (opts.tamper) {
      file = Buffer.from(file);
      file[unsignedPdf.length + 2] ^= 1; // a byte of the signed part changes after signing
    }
    const base = actRecord({ numero: `SIG_${n}`, actFile: file });
    const act = {
      ...base,
      signature: {
        signerName: 'Claire Martin',
        signedAtLocal: '2026-12-06T10:00:00',
        certificateSerial: '01',
        certificateSha256: signer.certificateSha256,
        ...(opts.confirm ? { noSirenConfirmation: confirmationFor(opts.confirm) } : {}),
      },
    };
    expect(await upload(hub.app, troyes.secretaireToken, file)).toBe(204);
    expect((await push(hub.app, troyes.maireToken, [upsertAct(act)]))[0]!.status).toBe('applied');
    const [r] = await push(hub.app, troyes.maireToken, [command(TRANSMIT_COMMAND, { actId: act.id })]);
    return { r: r!, actId: act.id };
  }

  it.each([
    ['organizationIdentifier', [cn('Claire Martin'), o('MAIRIE DE TROYES'), orgId(`NTRFR-${TROYES_SIREN}`)]],
    ['O', [cn('Claire Martin'), o(`MAIRIE DE TROYES (${TROYES_SIREN})`)]],
    ['serialNumber', [cn('Claire Martin'), o('MAIRIE DE TROYES'), serial(TROYES_SIREN)]],
  ])('accepts a certificate naming the collectivité’s SIREN in %s', async (_where, subject) => {
    const { r, actId } = await signAndTransmit(makeTestSigner(subject));
    if (r.status === 'rejected') throw new Error(JSON.stringify(r.reason));
    const status = await pulledStatus(hub.app, troyes.maireToken, actId);
    expect(status!.timeline.map((t) => t.label)).not.toContain('Certificat sans SIREN confirmé par le signataire');
  });

  it('refuses another collectivité’s certificate, whatever the PC claims', async () => {
    const evreux = makeTestSigner([cn('Jeanne Dupont'), o(`Mairie d'Évreux (${EVREUX_SIREN})`)]);
    for (const confirm of [undefined, evreux]) {
      const { r, actId } = await signAndTransmit(evreux, { confirm });
      expect(r).toMatchObject({
        status: 'rejected',
        reason: {
          code: 'forbidden',
          message: `Ce certificat appartient à Jeanne Dupont, Mairie d'Évreux (SIREN ${EVREUX_SIREN}), pas à Troyes (SIREN ${TROYES_SIREN}) : signez avec le certificat de la collectivité.`,
        },
      });
      expect(await pulledStatus(hub.app, troyes.maireToken, actId)).toBeNull();
    }
    expect(await hub.db.selectFrom('actes_transmissions').select('id').where('commune_id', '=', troyes.communeId).execute()).toHaveLength(
      3,
    );
  });

  it('refuses a certificate without SIREN unless the signer confirmed it, and records who, when, subject and fingerprint', async () => {
    const mayor = makeTestSigner([cn('Claire Martin'), o('Mairie')]);
    const refused = await signAndTransmit(mayor);
    expect(refused.r).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/ne porte pas de SIREN/) } });

    // A confirmation about another certificate does not do.
    const other = makeTestSigner([cn('Quelqu’un'), o('Ailleurs')]);
    expect((await signAndTransmit(mayor, { confirm: other })).r.status).toBe('rejected');

    const { r, actId } = await signAndTransmit(mayor, { confirm: mayor });
    if (r.status === 'rejected') throw new Error(JSON.stringify(r.reason));
    const status = await pulledStatus(hub.app, troyes.maireToken, actId);
    const entry = status!.timeline.find((t) => t.label === 'Certificat sans SIREN confirmé par le signataire');
    expect(entry?.detail).toBe(
      `Confirmé par Le maire le 21/11/2026 11:00 ; certificat « CN=Claire Martin, O=Mairie », empreinte SHA-256 ${mayor.certificateSha256}.`,
    );
  });

  it('refuses a PDF changed after its signature (the certificate inside is not taken on trust)', async () => {
    const good = makeTestSigner([cn('Claire Martin'), o(`MAIRIE DE TROYES (${TROYES_SIREN})`)]);
    const { r } = await signAndTransmit(good, { tamper: true });
    expect(r).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/ne peut pas être vérifiée/) } });
  });

  it('serves the département’s trust list to anyone, edited by the admin verbs', async () => {
    const ca = makeTestSigner([cn('AC Test Département'), o('Département Test')]);
    // forge's self-signed test certificate has no basicConstraints: not a CA, refused.
    await expect(addTrustAnchor(hub.db, Buffer.from(ca.certPem))).rejects.toThrow(/autorité de certification/);
    const caCert = caCertificatePem();
    const added = await addTrustAnchor(hub.db, Buffer.from(caCert));
    expect(added.fingerprint).toBe(new X509Certificate(caCert).fingerprint256.replace(/:/g, '').toLowerCase());
    const res = await hub.app.inject({ method: 'GET', url: ACTS_HUB_ROUTES.trustList.path });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ anchors: [added], crls: [], requireListed: false });
    await removeTrustAnchor(hub.db, added.fingerprint.toUpperCase());
    expect(await listTrustAnchors(hub.db)).toEqual([]);
    await expect(removeTrustAnchor(hub.db, added.fingerprint)).rejects.toThrow(/Aucune AC/);
  });
});

/** A self-signed CA certificate (basicConstraints CA:TRUE) made with forge. */
function caCertificatePem(): string {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 1024, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '02';
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 3650 * 86_400_000);
  const name = [{ name: 'commonName', value: 'AC Test Guichet' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([{ name: 'basicConstraints', cA: true, critical: true }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}
