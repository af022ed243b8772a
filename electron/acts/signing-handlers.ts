/**
 * The commune's certificate on this PC and the local PAdES signature of an
 * act (`acts:certificate`, `acts:import-certificate`, `acts:sign`,
 * `acts:signature-check`). Before signing, the certificate must be the
 * collectivité's (shared/acts/signer-certificate.ts, which the hub applies
 * again on the signed PDF); its chain is judged against the département's
 * trust list (shared/acts/trust-chain.ts): an expired or revoked chain refuses,
 * an unlisted CA warns, or refuses when the département blocks unlisted CAs.
 */
import type { ActsChannels, CertificateChecks, CertificateInfo as CertificateView, SignatureCheck } from '../../shared/acts/ipc.js';
import type { ActRecord, StoredFile } from '../../shared/acts/records.js';
import { checkSignerCertificate, judgeSigner, type NoSirenConfirmation } from '../../shared/acts/signer-certificate.js';
import { signatureVerdict, type TrustVerdict, trustRefusal } from '../../shared/acts/trust-chain.js';
import { GuichetError } from '../../shared/errors.js';
import { enforce } from '../core/client-domain.js';
import type { ChannelHandlers } from '../core/handlers.js';
import { type CertificateInfo, parseCertificate } from '../signing/certificate.js';
import { signPdf } from '../signing/pades.js';
import { chainVerdict } from '../signing/trust.js';
import { isIntact, verifyPdf } from '../signing/verify.js';
import { type ActsContext, filesOf } from './acts-context.js';
import { fileBytes } from './file-access.js';

type SigningChannels = Pick<ActsChannels, 'acts:certificate' | 'acts:import-certificate' | 'acts:sign' | 'acts:signature-check'>;

/** The collectivité of the session, as the rule compares it. */
function collectiviteOf(ac: ActsContext): { siren: string; name: string } {
  const commune = ac.ctx.session().commune;
  if (!commune) throw new GuichetError('unauthenticated', 'Connectez-vous pour signer.', 'no session');
  return { siren: commune.siren, name: commune.name };
}

/** The chain as the département judges it if `cert` signed at `at`. */
function trustOf(ac: ActsContext, cert: CertificateInfo, at: Date): TrustVerdict {
  return chainVerdict(cert.der, [], ac.trust.anchors(), { at, crls: ac.trust.crls() });
}

function checksOf(ac: ActsContext, cert: CertificateInfo): CertificateChecks {
  const verdict = judgeSigner(cert.subject, collectiviteOf(ac));
  const trust = trustOf(ac, cert, ac.now());
  const refusal = trustRefusal(trust, ac.trust.requireListed());
  return {
    sha256: cert.sha256,
    subject: cert.subjectText,
    collectivite: {
      verdict: verdict.kind,
      siren: verdict.kind === 'no_siren' ? null : verdict.siren,
      message: verdict.kind === 'match' ? null : verdict.message,
    },
    trust: { ...trust, refusal: refusal?.message ?? null, listFetchedAt: ac.trust.fetchedAt() },
  };
}

/**
 * Whose certificate signs: refuses another collectivité's, and one naming no SIREN unless the
 * signer confirmed; answers the confirmation to record in the act (only when it was needed).
 */
function signerConfirmation(ac: ActsContext, cert: CertificateInfo, confirmNoSiren: boolean, at: Date): NoSirenConfirmation | undefined {
  const collectivite = collectiviteOf(ac);
  const confirmation = confirmNoSiren
    ? { by: ac.userName(), at: at.toISOString(), certificateSubject: cert.subjectText, certificateSha256: cert.sha256 }
    : null;
  enforce(checkSignerCertificate(cert.subject, cert.sha256, collectivite, confirmation));
  return confirmation && judgeSigner(cert.subject, collectivite).kind === 'no_siren' ? confirmation : undefined;
}

function assertSignable(act: ActRecord): asserts act is ActRecord & { actFile: StoredFile } {
  if (act.signature) throw new GuichetError('conflict', 'Cet acte est déjà signé.', `act ${act.id} already signed`);
  if (act.transmitRequested) throw new GuichetError('conflict', 'Cet acte a déjà été transmis.', `act ${act.id} already transmitted`);
  if (!act.actFile || act.draft.act.kind !== 'pdf')
    throw new GuichetError(
      'invalid_input',
      'Seul un acte au format PDF peut être signé sur ce poste.',
      `act ${act.id} kind ${act.draft.act.kind}`,
    );
}

/** Signs the act's PDF into a new stored file; never answers a signature that does not check (the prefecture would reject it). */
async function signedCopy(
  ac: ActsContext,
  act: ActRecord & { actFile: StoredFile },
  password: string,
  signedAt: Date,
  confirmNoSiren: boolean,
) {
  const { key, view } = await ac.certificates.open(password);
  const cert = parseCertificate(key.certificateDer());
  const confirmation = signerConfirmation(ac, cert, confirmNoSiren, signedAt);
  enforce(trustRefusal(trustOf(ac, cert, signedAt), ac.trust.requireListed()));
  await fileBytes(ac, act.actFile.sha256); // downloads the draft if it was typed on another PC
  const tmp = await ac.files.tempPath('pdf');
  try {
    await signPdf({
      input: ac.files.pathOf(act.actFile.sha256),
      output: tmp,
      key,
      reason: `Transmission au contrôle de légalité de l'acte ${act.draft.numeroInterne}`,
      location: ac.ctx.session().commune?.name,
      signingTime: signedAt,
    });
    const report = await verifyPdf(tmp);
    const last = report.signatures[report.signatures.length - 1];
    if (!last || !isIntact(last) || !last.coversWholeDocument)
      throw new GuichetError(
        'internal',
        "La signature produite n'a pas pu être vérifiée : l'acte n'a pas été modifié.",
        'signed PDF failed verification',
      );
    const stored = await ac.files.putFile(tmp);
    const file: StoredFile = { sha256: stored.sha256, fileName: act.actFile.fileName, size: stored.size, mime: 'application/pdf' };
    return { file, view, cert, confirmation };
  } finally {
    await ac.files.removeTemp(tmp);
  }
}

export function signingHandlers(ac: ActsContext): ChannelHandlers<SigningChannels> {
  const { ctx, acts, files } = ac;

  /** The certificate as the screens show it, with whose it is and whether the département recognises its CA. */
  async function withChecks(view: CertificateView): Promise<CertificateView> {
    const cert = await ac.certificates.info();
    if (!cert) return view;
    await ac.trust.refreshIfStale(ctx.hub());
    return { ...view, checks: checksOf(ac, cert) };
  }

  return {
    'acts:certificate': async () => {
      ctx.requirePermission('acts.read');
      const view = ac.certificates.current();
      return view ? withChecks(view) : null;
    },

    'acts:signature-check': async ({ id }): Promise<SignatureCheck | null> => {
      ctx.requirePermission('acts.read');
      const { act } = ac.requireAct(id);
      if (!act.signature || !act.actFile) return null;
      await ac.trust.refreshIfStale(ctx.hub());
      await fileBytes(ac, act.actFile.sha256);
      const report = await verifyPdf(ac.files.pathOf(act.actFile.sha256), { trustAnchors: ac.trust.anchors(), crls: ac.trust.crls() });
      const last = report.signatures[report.signatures.length - 1];
      const intact = !!last && isIntact(last) && last.coversWholeDocument;
      const trusted = intact && !!last?.trust?.trusted;
      const ca = last?.trust?.ca ?? null;
      const problem = last?.trust?.problem ?? null;
      return {
        intact,
        trusted,
        ca,
        problem,
        signer: last?.signerName ?? null,
        verdict: signatureVerdict({ intact, trusted, ca, problem }),
      };
    },

    'acts:import-certificate': async ({ content, password }) => {
      ctx.requirePermission('acts.transmit');
      const view = await ac.certificates.import(content, password);
      ac.log.info({ certificate: view.id, notAfter: view.notAfter }, 'signing certificate imported');
      return withChecks(view);
    },

    'acts:sign': async ({ id, password, confirmNoSiren }) => {
      ctx.requirePermission('acts.transmit');
      const { act } = ac.requireAct(id);
      assertSignable(act);
      const signedAt = ac.now();
      // An update's restart waits for the signature (core/busy.ts).
      const {
        file: signedFile,
        view,
        cert,
        confirmation,
      } = await ctx.busy.run('signature', "signature d'un acte", async () => {
        // A CRL or the blocking setting the département just added applies to this signature.
        await ac.trust.refreshIfStale(ctx.hub());
        return signedCopy(ac, act, password, signedAt, confirmNoSiren === true);
      });
      const original = act.actFile;
      ac.db.transaction(() => {
        const current = ac.requireAct(id);
        if (current.act.signature) throw new GuichetError('conflict', 'Cet acte est déjà signé.', `act ${id} signed meanwhile`);
        const next: ActRecord = {
          ...current.act,
          draft: { ...current.act.draft, act: { ...current.act.draft.act, size: signedFile.size } },
          actFile: signedFile,
          signature: {
            signerName: view.holder,
            signedAtLocal: signedAt.toISOString(),
            certificateSerial: view.serial,
            certificateSha256: cert.sha256,
            ...(confirmation ? { noSirenConfirmation: confirmation } : {}),
          },
        };
        files.index(signedFile, 'pending');
        // The unsigned original is kept on this PC only: the hub needs the signed file.
        const stillUsed = acts.all().some((a) => a.id !== id && filesOf(a).some((f) => f.sha256 === original.sha256));
        if (!stillUsed && files.get(original.sha256)?.state === 'pending') files.setState(original.sha256, 'local');
        ac.writeAct(current.act, next, current.version, `Signature de l'acte ${next.draft.numeroInterne}`);
      })();
      ac.log.info({ actId: id, certificate: view.id, noSirenConfirmed: !!confirmation }, 'act signed');
      ctx.requestSync();
      return ac.detail(id);
    },
  };
}
