import { useEffect, useSyncExternalStore } from 'react';
import type { ErrorBody } from '../../../shared/errors.js';
import type { CollectionName } from '../../../shared/sync/protocol.js';
import { coreLink, onCoreLink } from '../api/bridge.js';
import { ConfirmDialog } from '../ui/ConfirmDialog.js';
import { formatDateTime, plural } from '../ui/format.js';
import { useSync } from './store.js';

const COLLECTION_WORDS: Record<CollectionName, string> = {
  'electoral.electors': 'électeurs',
  'electoral.demands': 'demandes',
  'electoral.imports': 'imports de liste',
  'acts.acts': 'actes',
  'acts.status': 'suivis d’actes',
  'acts.classification': 'classifications',
};

const PHASE_LABELS = {
  pushing: 'Envoi des modifications…',
  pulling: 'Réception des nouveautés…',
  snapshot: 'Remise à jour complète du poste…',
  blocked: 'En attente de votre décision',
  idle: '',
} as const;

// "Hub" means nothing at the counter: the usual connection failure gets counter words.
const OFFLINE_WORDS =
  'Pas de connexion avec le serveur du département. Vos modifications restent sur ce poste et partiront dès le retour de la connexion.';
const errorText = (e: ErrorBody) => (e.code === 'offline' || e.code === 'hub_unavailable' ? OFFLINE_WORDS : e.message);

/** Always visible: is this PC in step with the hub, and what is left to send. */
export function SyncBar() {
  const { state, busy, error, start, syncNow, confirmMassDeletion, dismissRejected } = useSync();
  const link = useSyncExternalStore(onCoreLink, coreLink);
  useEffect(() => start(), [start]);
  if (link === 'down')
    return (
      <section className="syncbar" aria-label="Synchronisation">
        <div className="syncbar-line">
          <span className="badge badge-offline" data-testid="sync-online">
            Guichet est arrêté
          </span>
          <span role="status" aria-live="polite" data-testid="sync-pending">
            Le logiciel ne fonctionne plus sur ce poste : relancez Guichet, cette page se reconnectera d'elle-même.
          </span>
        </div>
      </section>
    );
  if (!state) return null;
  // One true thing at a time: offline, no « Envoi… » and no greyed button while the engine retries in the background.
  const working = busy || (state.online && state.phase !== 'idle' && state.phase !== 'blocked');
  const md = state.massDeletion;

  return (
    <section className="syncbar" aria-label="Synchronisation">
      <div className="syncbar-line">
        <span className={state.online ? 'badge badge-online' : 'badge badge-offline'} data-testid="sync-online">
          {state.online ? 'En ligne' : 'Hors ligne'}
        </span>
        <span role="status" aria-live="polite" data-testid="sync-pending">
          {state.pending === 0 ? 'Tout est envoyé' : `${plural(state.pending, 'modification', 'modifications')} en attente d'envoi`}
          {working && state.online && PHASE_LABELS[state.phase] ? ` — ${PHASE_LABELS[state.phase]}` : ''}
        </span>
        <span className="muted">Dernière synchronisation : {state.lastSuccessAt ? formatDateTime(state.lastSuccessAt) : 'jamais'}</span>
        <button type="button" onClick={() => void syncNow()} disabled={working}>
          Synchroniser maintenant
        </button>
      </div>
      <div role="alert" className="syncbar-error">
        {state.lastError ? <p>{errorText(state.lastError)}</p> : null}
        {error ? <p>{error}</p> : null}
      </div>
      {state.rejected.length > 0 ? (
        <div className="rejected">
          <h2>Modifications refusées par le serveur</h2>
          <ul>
            {state.rejected.map((r) => (
              <li key={r.mutationId}>
                <strong>{r.summary}</strong> : {r.reason.message}{' '}
                <button type="button" onClick={() => void dismissRejected(r.mutationId)} aria-label={`J'ai compris : ${r.summary}`}>
                  J'ai compris
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {md ? (
        <ConfirmDialog
          title="Suppression importante"
          confirmLabel="Continuer"
          cancelLabel="Ne rien supprimer"
          danger
          busy={busy}
          onConfirm={() => void confirmMassDeletion(true)}
          onCancel={() => void confirmMassDeletion(false)}
        >
          <p>
            La synchronisation va supprimer {md.toDelete.toLocaleString('fr-FR')} {COLLECTION_WORDS[md.collection]} sur{' '}
            {md.localCount.toLocaleString('fr-FR')} sur ce poste. Continuer ?
          </p>
          <p className="muted">Si vous n'êtes pas sûr, choisissez « Ne rien supprimer » et appelez l'assistance.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
