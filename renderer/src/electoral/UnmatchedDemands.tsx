import { frenchDay } from '../../../shared/calendar.js';
import { DEMAND_KIND_LABELS } from '../../../shared/electoral/types.js';
import { useNav } from '../nav/store.js';
import type { DemandRow } from './store.js';

/**
 * Demands « transmises au REU » that no imported extract has confirmed yet
 * (electron/electoral/reconcile.ts closes the others at each import): the
 * secretary checks them in ELIRE.
 */
export function UnmatchedDemands({ rows }: { rows: readonly DemandRow[] }) {
  const go = useNav((s) => s.go);
  const waiting = rows.filter((d) => d.status === 'acceptee' && d.reuTransmittedDate !== null && d.reconciliation === null);
  return (
    <section aria-labelledby="unmatched-title">
      <h2 id="unmatched-title">Transmises au REU, pas encore retrouvées dans un extrait</h2>
      {waiting.length === 0 ? (
        <p className="muted">Aucune : chaque demande transmise a été retrouvée dans un extrait importé.</p>
      ) : (
        <>
          <p>
            Ces demandes seront closes automatiquement quand un extrait importé les confirmera (la personne y figure, ou n’y figure plus
            pour une radiation). Si l’extrait suivant ne les confirme toujours pas, vérifiez-les dans ELIRE.
          </p>
          <ul className="plain">
            {waiting.map((d) => (
              <li key={d.id}>
                <button type="button" className="link" onClick={() => go({ name: 'demand', id: d.id })}>
                  {DEMAND_KIND_LABELS[d.kind]} — {d.applicant.birthName} {d.applicant.firstNames}
                </button>{' '}
                <span className="muted small">(transmise le {frenchDay(d.reuTransmittedDate!)})</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
