import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSMIT_COMMAND } from '../../shared/acts/commands.js';
import { ACTS_HUB_ROUTES, trustListSchema } from '../../shared/acts/hub-routes.js';
import { frenchDay, parisDay } from '../../shared/calendar.js';
import { createTestHub, TEST_BACKENDS, type SeededCommune, type TestHub } from '../test-support.js';
import { pdf as unsignedPdf } from './actes-format/test-fixtures.js';
import { actRecord, command, push, upload, upsertAct } from './test-support.js';
import { makeOpensslCa, type OpensslCa, signTestPdf, type TestSigner } from './test-signing.js';
import { addTrustAnchor, addTrustCrl, removeTrustAnchor, setRequireListed } from './trust-list.js';

/**
 * Revocation, validity dates and « bloquer les autorités non reconnues », judged by the hub on
 * the certificate that really signed the PDF (signed-act.ts) at `acts.transmit`: real
 * certificates and a real CRL from the openssl CLI.
 */
const TROYES = '/CN=Claire Martin/O=MAIRIE DE TROYES (211003744)/C=FR';

describe.each(TEST_BACKENDS)('the trust list at transmission: CRLs, dates, blocking (%s)', (backend) => {
  let hub: TestHub;
  let troyes: SeededCommune;
  let dir: string;
  let ca: OpensslCa;
  let other: OpensslCa;
  let n = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guichet-misc-crl-'));
    ca = makeOpensslCa(join(dir, 'ca'), 'AC Département Test');
    other = makeOpensslCa(join(dir, 'other'), 'AC Inconnue');
    hub = await createTestHub(backend);
    troyes = await hub.seedCommune({ insee: '10387', services: ['acts'] });
  }, 120_000);
  afterAll(async () => {
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function signAndTransmit(signer: TestSigner) {
    n++;
    const file = signTestPdf(Buffer.concat([unsignedPdf, Buffer.from(`%crl-${backend}-${n}\n`, 'latin1')]), signer);
    const act = {
      ...actRecord({ numero: `CRL_${n}`, actFile: file }),
      signature: {
        signerName: 'Claire Martin',
        signedAtLocal: '2026-12-06T10:00:00',
        certificateSerial: '01',
        certificateSha256: signer.certificateSha256,
      },
    };
    expect(await upload(hub.app, troyes.secretaireToken, file)).toBe(204);
    expect((await push(hub.app, troyes.maireToken, [upsertAct(act)]))[0]!.status).toBe('applied');
    const [r] = await push(hub.app, troyes.maireToken, [command(TRANSMIT_COMMAND, { actId: act.id })]);
    return r!;
  }

  const served = async () => trustListSchema.parse((await hub.app.inject({ method: 'GET', url: ACTS_HUB_ROUTES.trustList.path })).json());

  it('keeps a CRL only when a listed CA signed it, serves its revoked serials, and refuses the transmission of an act signed by a revoked certificate', async () => {
    const good = ca.issue(TROYES, 'good');
    const revoked = ca.issue(TROYES, 'revoked');
    ca.revoke(revoked);
    await expect(addTrustCrl(hub.db, ca.crl())).rejects.toThrow(/signée par aucune AC de la liste/);
    const anchor = await addTrustAnchor(hub.db, Buffer.from(ca.caPem));
    await expect(addTrustCrl(hub.db, Buffer.from(other.crl()))).rejects.toThrow(/signée par aucune AC/);
    await expect(addTrustCrl(hub.db, Buffer.from('pas une CRL'))).rejects.toThrow(/liste de révocation/);
    const added = await addTrustCrl(hub.db, ca.crl('DER'));
    expect(added).toMatchObject({ caFingerprint: anchor.fingerprint, revoked: [{ serial: '1001' }] });
    const list = await served();
    expect(list.crls).toEqual([added]);
    expect(list.requireListed).toBe(false);

    expect((await signAndTransmit(good)).status).toBe('applied');
    const today = frenchDay(parisDay(new Date()));
    expect(await signAndTransmit(revoked)).toMatchObject({
      status: 'rejected',
      reason: {
        code: 'forbidden',
        message: `Signature refusée : certificat révoqué le ${today} par son autorité de certification. Demandez un nouveau certificat.`,
      },
    });

    // Removing the CA removes its CRL.
    await removeTrustAnchor(hub.db, anchor.fingerprint);
    expect((await served()).crls).toEqual([]);
  });

  it('refuses an act signed by a certificate expired at the signing time', async () => {
    const expired = ca.issue(TROYES, 'expired', { start: '20240312000000Z', end: '20250312120000Z' });
    expect(await signAndTransmit(expired)).toMatchObject({
      status: 'rejected',
      reason: { message: expect.stringContaining('certificat expiré le 12/03/2025') },
    });
  });

  it('transmits an act signed with an unlisted CA until the département blocks unlisted CAs', async () => {
    const unlisted = other.issue(TROYES, 'unlisted');
    expect((await signAndTransmit(unlisted)).status).toBe('applied');
    await setRequireListed(hub.db, true);
    expect((await served()).requireListed).toBe(true);
    expect(await signAndTransmit(unlisted)).toMatchObject({
      status: 'rejected',
      reason: {
        code: 'forbidden',
        message: expect.stringMatching(/n'est pas reconnue par le département, qui bloque les autorités non reconnues/),
      },
    });
    await addTrustAnchor(hub.db, Buffer.from(other.caPem));
    expect((await signAndTransmit(unlisted)).status).toBe('applied');
    await setRequireListed(hub.db, false);
    expect((await served()).requireListed).toBe(false);
  });
});
