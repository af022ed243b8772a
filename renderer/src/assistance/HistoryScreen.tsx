import { useEffect } from 'react';
import { ACTION_LABELS, END_REASON_LABELS } from '../../../shared/assistance/protocol.js';
import { formatDateTime } from '../ui/format.js';
import { useAssistanceHistory } from './store.js';

/** The mayor's view: every assistance session of the collectivité (all its PCs), who joined, and what happened in it. */
export function HistoryScreen() {
  const { items, error, load } = useAssistanceHistory();
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <main id="contenu" tabIndex={-1} className="assist-history">
      <h1>Sessions d'assistance</h1>
      <p>Chaque aide à distance demandée depuis un poste de la collectivité, qui l'a rejointe et ce qui s'y est passé (sans le contenu).</p>
      {error ? (
        <p role="alert" className="alert alert-error">
          {error}
        </p>
      ) : null}
      {items === null && !error ? <p role="status">Chargement…</p> : null}
      {items?.length === 0 ? <p>Aucune session d'assistance pour le moment.</p> : null}
      {items?.map((s) => (
        <section key={s.id} aria-labelledby={`session-${s.id}`}>
          <h2 id={`session-${s.id}`}>
            {formatDateTime(s.createdAt)} — {s.device} ({s.user})
          </h2>
          <p>
            {s.agentName ? `Agent : ${s.agentName}` : "Aucun agent n'a rejoint"} ·{' '}
            {s.endReason ? `Session ${END_REASON_LABELS[s.endReason]}` : 'En cours'}
            {s.endedAt ? ` le ${formatDateTime(s.endedAt)}` : ''}
          </p>
          <ol>
            {s.actions.map((a) => (
              <li key={`${a.at}-${a.action}`}>
                {formatDateTime(a.at)} : {ACTION_LABELS[a.action]}
                {a.count > 1 ? ` (× ${a.count})` : ''}
              </li>
            ))}
          </ol>
        </section>
      ))}
    </main>
  );
}
