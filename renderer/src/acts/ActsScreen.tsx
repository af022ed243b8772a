import { useEffect } from 'react';
import { ACT_STATES, type ActState } from '../../../shared/acts/records.js';
import { useNav } from '../nav/store.js';
import { useCan } from '../session/store.js';
import { LiveMessage } from '../ui/Field.js';
import { Pager } from '../ui/Pager.js';
import { plural } from '../ui/format.js';
import { ACTS_PAGE, useActs } from './store.js';
import { PendingBadge, StateBadge, formatDay, natureLabel } from './parts.js';

const STATES = Object.keys(ACT_STATES) as ActState[];

/** The commune's acts, newest first as the core lists them, paged by 50. */
export function ActsScreen() {
  const go = useNav((s) => s.go);
  const canDraft = useCan('acts.draft');
  const canTransmit = useCan('acts.transmit');
  const { items, filter, offset, loading, error, notice, load, setOffset, start } = useActs();

  useEffect(() => {
    void load();
    return start();
  }, [load, start]);

  const page = items.slice(offset, offset + ACTS_PAGE);

  return (
    <main id="contenu" tabIndex={-1}>
      <h1>Contrôle de légalité</h1>
      <p className="muted">Les actes de la commune envoyés à la préfecture, et ceux en préparation.</p>
      <LiveMessage error={error} status={notice} />
      <div className="toolbar">
        <div className="field inline">
          <label htmlFor="acts-filter">Afficher</label>
          <select id="acts-filter" value={filter ?? ''} onChange={(e) => void load((e.target.value || null) as ActState | null)}>
            <option value="">Tous les actes</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {ACT_STATES[s].label}
              </option>
            ))}
          </select>
        </div>
        <div className="actions">
          {canTransmit ? (
            <button type="button" onClick={() => go({ name: 'act-certificate' })}>
              Certificat de signature
            </button>
          ) : null}
          {canDraft ? (
            <button type="button" className="primary" onClick={() => go({ name: 'act-new' })}>
              Préparer un nouvel acte
            </button>
          ) : null}
        </div>
      </div>
      <p className="result-count" aria-live="polite">
        {loading && items.length === 0 ? 'Chargement…' : plural(items.length, 'acte', 'actes')}
      </p>
      {items.length === 0 && !loading ? (
        <p>{filter ? 'Aucun acte dans cet état.' : 'Aucun acte pour le moment. Commencez par « Préparer un nouvel acte ».'}</p>
      ) : (
        <table className="table acts-table">
          <caption className="sr-only">Liste des actes</caption>
          <thead>
            <tr>
              <th scope="col">Numéro interne</th>
              <th scope="col">Objet</th>
              <th scope="col">Nature</th>
              <th scope="col">Date de décision</th>
              <th scope="col">État</th>
              <th scope="col">IDActe</th>
            </tr>
          </thead>
          <tbody>
            {page.map((a) => (
              <tr key={a.id}>
                <td>
                  <button
                    type="button"
                    className="link"
                    onClick={() => go({ name: 'act', id: a.id })}
                    aria-label={`Ouvrir l'acte ${a.numeroInterne}`}
                  >
                    {a.numeroInterne}
                  </button>
                </td>
                <td>{a.objet}</td>
                <td>{natureLabel(a.codeNatureActe)}</td>
                <td>{formatDay(a.decisionDate)}</td>
                <td>
                  <StateBadge state={a.state} />
                  {a.pending && a.state !== 'poste' ? (
                    <>
                      <br />
                      <PendingBadge />
                    </>
                  ) : null}
                </td>
                <td className="id-acte">{a.idActe ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager offset={offset} pageSize={ACTS_PAGE} total={items.length} onPage={setOffset} label="Pages de la liste des actes" />
    </main>
  );
}
