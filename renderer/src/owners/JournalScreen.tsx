import { useEffect } from 'react';
import { api } from '../api/bridge.js';
import { formatDateTime } from '../ui/format.js';
import { downloadJournalCsv, useOwners } from './store.js';

const KINDS = { consultation: 'Consultation', 'releve-commune': 'Relevé pour la commune', 'releve-tiers': 'Relevé pour un tiers' } as const;

/**
 * Journal des consultations (the mayor, `owners.log`): who opened or printed
 * which compte, when, for whom and why — as synced from the hub — and its CSV
 * export (the same lines as the hub's journal.csv).
 */
export function JournalScreen() {
  const { journal, journalMore, error, busy, loadJournal } = useOwners();

  useEffect(() => {
    void loadJournal();
    // The log comes from the hub with the sync: read it again when one ends.
    return api().on('sync:state', (state) => {
      if (state.phase === 'idle') void loadJournal();
    });
  }, [loadJournal]);

  return (
    <main id="contenu" tabIndex={-1}>
      <h1>Journal des consultations des propriétaires</h1>
      <p className="muted">
        Chaque ouverture d'un compte communal et chaque relevé de propriété y sont inscrits par le hub : qui, quand, quel compte, pour qui
        et pourquoi. Il arrive sur ce poste à la synchronisation.
      </p>
      <div className="actions">
        <button type="button" className="primary" disabled={busy} onClick={() => void downloadJournalCsv()}>
          Exporter le journal (CSV)
        </button>
      </div>
      {error && (
        <p role="alert" className="alert alert-error">
          {error}
        </p>
      )}
      {journal.length === 0 ? (
        <p>{busy ? 'Chargement…' : 'Aucune consultation pour l’instant.'}</p>
      ) : (
        <table className="table">
          <caption className="visually-hidden">Consultations et communications, les plus récentes d'abord</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Agent</th>
              <th scope="col">Nature</th>
              <th scope="col">Compte</th>
              <th scope="col">Pour qui</th>
              <th scope="col">Motif</th>
            </tr>
          </thead>
          <tbody>
            {journal.map((e) => (
              <tr key={e.id} data-personal>
                <td>{formatDateTime(e.at)}</td>
                <td>{e.userName}</td>
                <td>{KINDS[e.kind]}</td>
                <td>{e.compteId}</td>
                <td>{e.forWhom}</td>
                <td>{e.purpose}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {journalMore && (
        <div className="actions">
          <button type="button" disabled={busy} onClick={() => void loadJournal(true)}>
            Afficher les consultations plus anciennes
          </button>
        </div>
      )}
    </main>
  );
}
