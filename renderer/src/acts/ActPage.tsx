import { useEffect, useState } from 'react';
import { resolveMatieres } from '../../../shared/acts/classification.js';
import type { ActDetail, SignatureCheck } from '../../../shared/acts/ipc.js';
import { api } from '../api/bridge.js';
import type { ActState } from '../../../shared/acts/records.js';
import { useNav } from '../nav/store.js';
import { useCan } from '../session/store.js';
import { ConfirmDialog } from '../ui/ConfirmDialog.js';
import { LiveMessage } from '../ui/Field.js';
import { formatDateTime } from '../ui/format.js';
import { CertificateChecksNotice, expiryWarning } from './CertificateScreen.js';
import { Letters } from './Letters.js';
import { PendingBadge, StateBadge, formatDay, formatSize, natureLabel, printFile, saveFile } from './parts.js';
import { SignDialog } from './SignDialog.js';
import { StoredFileList } from './StoredFileList.js';
import { useActs } from './store.js';
import { Timeline } from './Timeline.js';
import { requiresPadesSignature } from '../../../shared/acts/rules.js';

/** Where the act stands: the hub's status, or what this PC did that the hub has not seen yet. */
export function stateOf(d: ActDetail): ActState {
  const hub = d.status?.state;
  const local: ActState = d.act.transmitRequested ? 'poste' : d.act.signature ? 'signe' : 'brouillon';
  if (!hub || hub === 'brouillon' || hub === 'signe') return local === 'brouillon' && hub ? hub : local;
  return hub;
}

const RECEIVED: ActState[] = ['acquitte', 'annulation_demandee', 'annule'];

export function ActPage({ id }: { id: string }) {
  const go = useNav((s) => s.go);
  const canTransmit = useCan('acts.transmit');
  const {
    detail,
    open,
    start,
    error,
    notice,
    busy,
    certificate,
    loadCertificate,
    classification,
    classificationLoaded,
    loadClassification,
    sign,
    transmit,
    cancel,
    clearMessages,
  } = useActs();
  const [signing, setSigning] = useState(false);
  const [signError, setSignError] = useState<string | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);

  useEffect(() => {
    clearMessages();
    void open(id);
    return start();
  }, [id, open, start, clearMessages]);
  useEffect(() => {
    if (canTransmit) void loadCertificate();
    if (!classificationLoaded) void loadClassification();
  }, [canTransmit, loadCertificate, classificationLoaded, loadClassification]);

  const d = detail?.act.id === id ? detail : null;
  if (!d) {
    return (
      <main id="contenu" tabIndex={-1}>
        <h1>Acte</h1>
        <LiveMessage error={error} status={error ? null : "Chargement de l'acte…"} />
      </main>
    );
  }
  const { act, status } = d;
  const state = stateOf(d);
  const matieres = classification ? resolveMatieres(classification, act.draft.matieres) : null;

  async function doSign(password: string, confirmNoSiren: boolean) {
    setSignError(null);
    const ok = await sign(id, password, confirmNoSiren);
    if (ok) setSigning(false);
    else setSignError(useActs.getState().error);
  }

  return (
    <main id="contenu" tabIndex={-1}>
      <p>
        <button type="button" className="link" onClick={() => go({ name: 'acts' })}>
          ← Tous les actes
        </button>
      </p>
      <h1>
        Acte {act.draft.numeroInterne} <StateBadge state={state} /> {d.pending && state !== 'poste' ? <PendingBadge /> : null}
      </h1>
      <LiveMessage error={signing ? null : error} status={notice} />
      {status?.error ? <p className="alert alert-error">{status.error}</p> : null}
      <div className="act-grid">
        <div>
          <h2>L'acte</h2>
          <dl className="fiche">
            <dt>Objet</dt>
            <dd>{act.draft.objet}</dd>
            <dt>Nature</dt>
            <dd>{natureLabel(act.draft.codeNatureActe)}</dd>
            <dt>Matière</dt>
            <dd>
              {matieres
                ? matieres.map((m, i) => `${act.draft.matieres.slice(0, i + 1).join('.')} ${m.libelle}`).join(' › ')
                : act.draft.matieres.join('.')}
            </dd>
            <dt>Date de décision</dt>
            <dd>{formatDay(act.draft.decisionDate)}</dd>
            <dt>IDActe</dt>
            <dd className="id-acte">{status?.idActe ?? 'attribué par la préfecture à la réception'}</dd>
            <dt>Date de réception</dt>
            <dd>{status?.dateReception ? formatDay(status.dateReception) : '—'}</dd>
            <dt>Signature</dt>
            <dd>
              {act.signature
                ? `Signé par ${act.signature.signerName} le ${formatDateTime(act.signature.signedAtLocal)}`
                : 'Pas encore signé'}
              {act.signature ? <SignatureVerdict id={act.id} /> : null}
              {act.signature?.noSirenConfirmation ? (
                <span className="small block">
                  Certificat sans SIREN : confirmé par {act.signature.noSirenConfirmation.by} le{' '}
                  {formatDateTime(act.signature.noSirenConfirmation.at)} (certificat «{' '}
                  {act.signature.noSirenConfirmation.certificateSubject} », empreinte SHA-256{' '}
                  {act.signature.noSirenConfirmation.certificateSha256}).
                </span>
              ) : null}
            </dd>
            <dt>Préparé par</dt>
            <dd>
              {act.createdBy}, le {formatDateTime(act.createdAtLocal)}
            </dd>
          </dl>
          <h2>Documents</h2>
          <StoredFileList
            files={act.actFile ? [act.actFile, ...act.annexFiles] : act.annexFiles}
            caption={(i) => (i === 0 ? 'Acte' : `Annexe ${i}`)}
          />
          <h2>Courriers de la préfecture</h2>
          <Letters actId={act.id} letters={status?.letters ?? []} />
        </div>
        <div>
          <h2>Que faire ?</h2>
          {nextStep(state)}
          <Uploads d={d} />
          {RECEIVED.includes(state) || status?.dateReception ? <ReceiptFiles id={id} /> : null}
          {state === 'acquitte' && canTransmit ? (
            <>
              <h2>Retirer l'acte</h2>
              <p>Si la commune retire cet acte, la préfecture doit en être informée.</p>
              <button type="button" className="danger" onClick={() => setConfirmCancel(true)}>
                Demander l'annulation
              </button>
            </>
          ) : null}
          <h2>Suivi</h2>
          <Timeline entries={status?.timeline ?? []} />
        </div>
      </div>
      {signing && certificate ? (
        <SignDialog
          holder={certificate.holder}
          checks={certificate.checks}
          busy={busy === 'sign'}
          error={signError}
          onSign={(p, confirmNoSiren) => void doSign(p, confirmNoSiren)}
          onCancel={() => setSigning(false)}
        />
      ) : null}
      {confirmCancel ? (
        <ConfirmDialog
          title="Demander l'annulation de l'acte ?"
          confirmLabel="Demander l'annulation"
          danger
          busy={busy === 'cancel'}
          onCancel={() => setConfirmCancel(false)}
          onConfirm={async () => {
            await cancel(id);
            setConfirmCancel(false);
          }}
        >
          <p>La préfecture sera informée que la commune retire l'acte {act.draft.numeroInterne}. Cette demande ne peut pas être reprise.</p>
        </ConfirmDialog>
      ) : null}
    </main>
  );

  // A render helper, not a component: a component declared here would remount (and lose focus) on every render.
  function nextStep(s: ActState) {
    const onSign = () => setSigning(true);
    const onTransmit = () => void transmit(id);
    if (!canTransmit) {
      if (s === 'brouillon' || s === 'signe')
        return <p>Le maire (ou son délégué) signe l'acte et le transmet à la préfecture depuis son compte.</p>;
      return <p>L'acte suit son chemin vers la préfecture ; les étapes s'affichent ci-dessous.</p>;
    }
    if (s === 'brouillon' && !requiresPadesSignature(act.draft.act.kind))
      return (
        <>
          <p>Ce document budgétaire XML porte déjà le scellement du logiciel de finances : il se transmet sans signature sur ce poste.</p>
          <button type="button" className="primary" onClick={onTransmit} disabled={busy === 'transmit'}>
            Transmettre à la préfecture
          </button>
        </>
      );
    if (s === 'brouillon') {
      if (!certificate)
        return (
          <>
            <p>Pour signer, importez d'abord le certificat électronique du maire sur ce poste.</p>
            <button type="button" onClick={() => go({ name: 'act-certificate' })}>
              Importer le certificat
            </button>
          </>
        );
      const validity = expiryWarning(certificate);
      const wrongCollectivite =
        certificate.checks?.collectivite.verdict === 'mismatch'
          ? certificate.checks.collectivite.message
          : (certificate.checks?.trust.refusal ?? null);
      if (validity?.level === 'error' || wrongCollectivite)
        return (
          <>
            <p className="alert alert-error">{wrongCollectivite ?? validity?.text}</p>
            <button type="button" onClick={() => go({ name: 'act-certificate' })}>
              Importer un autre certificat
            </button>
          </>
        );
      return (
        <>
          {validity ? <p className="alert alert-warning">{validity.text}</p> : null}
          <CertificateChecksNotice checks={certificate.checks} />
          <p>Relisez l'acte puis signez-le avec le certificat de {certificate.holder}.</p>
          <button type="button" className="primary" onClick={onSign}>
            Signer l'acte
          </button>
        </>
      );
    }
    if (s === 'signe')
      return (
        <>
          <p>L'acte est signé. Transmettez-le : s'il n'y a pas de connexion, il partira automatiquement dès son retour.</p>
          <button type="button" className="primary" onClick={onTransmit} disabled={busy === 'transmit'}>
            Transmettre à la préfecture
          </button>
        </>
      );
    if (s === 'acquitte')
      return <p>La préfecture a bien reçu l'acte. Il est exécutoire dès sa publication. Gardez le bordereau avec l'acte.</p>;
    if (s === 'poste' || s === 'en_attente' || s === 'transmis')
      return <p>Rien à faire : l'accusé de réception de la préfecture arrivera ici.</p>;
    if (s === 'erreur')
      return (
        <p>
          La transmission a échoué. Lisez le message ci-dessus ; corrigez puis préparez un nouvel acte si besoin, ou contactez l'assistance.
        </p>
      );
    return null;
  }
}

/** Upload of each file to the hub: a bar per file while the act leaves this PC. */
function Uploads({ d }: { d: ActDetail }) {
  const progress = useActs((s) => s.progress);
  if (!d.act.transmitRequested || !d.pending) return null;
  const rows = d.uploads.map((u) => {
    const p = progress[u.sha256];
    return { name: u.fileName, sent: Math.max(p?.sent ?? 0, u.uploaded), total: p?.total ?? u.size };
  });
  return (
    <div className="alert alert-warning">
      <p>
        <strong>En attente d'envoi :</strong> l'acte est gardé sur ce poste et partira vers la préfecture dès que le poste sera relié au
        serveur.
      </p>
      {rows.map((r) => (
        <div className="progress-line" key={r.name}>
          <label>
            {r.name}
            <progress
              max={Math.max(1, r.total)}
              value={r.sent}
              aria-valuetext={`${Math.round((100 * r.sent) / Math.max(1, r.total))} % envoyé`}
            />
          </label>
          <span className="small">
            {formatSize(r.sent)} sur {formatSize(r.total)}
          </span>
        </div>
      ))}
    </div>
  );
}

/** The bordereau (acknowledgement) and the stamped copy, once the prefecture has acknowledged. */
function ReceiptFiles({ id }: { id: string }) {
  const fetchFile = useActs((s) => s.fetchFile);
  async function run(what: 'bordereau' | 'stamped-copy', print: boolean) {
    const f = await fetchFile(what, id);
    if (f) (print ? printFile : saveFile)(f);
  }
  return (
    <>
      <h2>Justificatifs</h2>
      <div className="actions actions-block">
        <button type="button" onClick={() => void run('bordereau', false)}>
          Télécharger le bordereau
        </button>
        <button type="button" onClick={() => void run('bordereau', true)}>
          Imprimer le bordereau
        </button>
        <button type="button" onClick={() => void run('stamped-copy', false)}>
          Télécharger la copie tamponnée
        </button>
        <button type="button" onClick={() => void run('stamped-copy', true)}>
          Imprimer la copie tamponnée
        </button>
      </div>
    </>
  );
}

/** « signature valide, certificat reconnu (AC …) » as the core judges the signed file against the département's trust list. */
function SignatureVerdict({ id }: { id: string }) {
  const [check, setCheck] = useState<SignatureCheck | null>(null);
  useEffect(() => {
    let live = true;
    setCheck(null);
    api()
      .invoke('acts:signature-check', { id })
      .then(
        (c) => live && setCheck(c),
        () => live && setCheck(null),
      );
    return () => {
      live = false;
    };
  }, [id]);
  if (!check) return null;
  const level = !check.intact ? 'alert-error' : check.trusted ? 'verdict-ok' : 'alert-warning';
  return (
    <span className={`block signature-verdict ${level}`} data-testid="signature-verdict">
      Vérification : {check.verdict}
    </span>
  );
}
