/**
 * The commune's certificate on this PC and the local PAdES signature of an
 * act (`acts:certificate`, `acts:import-certificate`, `acts:sign`).
 */
import type { ActsChannels } from '../../shared/acts/ipc.js';
import type { ActRecord, StoredFile } from '../../shared/acts/records.js';
import { GuichetError } from '../../shared/errors.js';
import type { ChannelHandlers } from '../core/handlers.js';
import { signPdf } from '../signing/pades.js';
import { isIntact, verifyPdf } from '../signing/verify.js';
import { type ActsContext, filesOf } from './acts-context.js';
import { fileBytes } from './file-access.js';

type SigningChannels = Pick<ActsChannels, 'acts:certificate' | 'acts:import-certificate' | 'acts:sign'>;

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
async function signedCopy(ac: ActsContext, act: ActRecord & { actFile: StoredFile }, password: string, signedAt: Date) {
  const { key, view } = await ac.certificates.open(password);
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
    return { file, view };
  } finally {
    await ac.files.removeTemp(tmp);
  }
}

export function signingHandlers(ac: ActsContext): ChannelHandlers<SigningChannels> {
  const { ctx, acts, files } = ac;
  return {
    'acts:certificate': () => {
      ctx.requirePermission('acts.read');
      return ac.certificates.current();
    },

    'acts:import-certificate': async ({ content, password }) => {
      ctx.requirePermission('acts.transmit');
      const view = await ac.certificates.import(content, password);
      ac.log.info({ certificate: view.id, notAfter: view.notAfter }, 'signing certificate imported');
      return view;
    },

    'acts:sign': async ({ id, password }) => {
      ctx.requirePermission('acts.transmit');
      const { act } = ac.requireAct(id);
      assertSignable(act);
      const signedAt = ac.now();
      const { file: signedFile, view } = await signedCopy(ac, act, password, signedAt);
      const original = act.actFile;
      ac.db.transaction(() => {
        const current = ac.requireAct(id);
        if (current.act.signature) throw new GuichetError('conflict', 'Cet acte est déjà signé.', `act ${id} signed meanwhile`);
        const next: ActRecord = {
          ...current.act,
          draft: { ...current.act.draft, act: { ...current.act.draft.act, size: signedFile.size } },
          actFile: signedFile,
          signature: { signerName: view.holder, signedAtLocal: signedAt.toISOString(), certificateSerial: view.serial },
        };
        files.index(signedFile, 'pending');
        // The unsigned original is kept on this PC only: the hub needs the signed file.
        const stillUsed = acts.all().some((a) => a.id !== id && filesOf(a).some((f) => f.sha256 === original.sha256));
        if (!stillUsed && files.get(original.sha256)?.state === 'pending') files.setState(original.sha256, 'local');
        ac.writeAct(current.act, next, current.version, `Signature de l'acte ${next.draft.numeroInterne}`);
      })();
      ac.log.info({ actId: id, certificate: view.id }, 'act signed');
      ctx.requestSync();
      return ac.detail(id);
    },
  };
}
