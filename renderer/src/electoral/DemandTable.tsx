import { useEffect, useState } from 'react';
import { DEMAND_KIND_LABELS, DEMAND_STATUSES, DEMAND_STATUS_LABELS, type DemandStatus } from '../../../shared/electoral/types.js';
import { parisDay } from '../../../shared/calendar.js';
import { demandTimers } from '../../../shared/electoral/demand-timers.js';
import { useNav } from '../nav/store.js';
import { formatBirthDate, formatDateTime } from '../ui/format.js';
import { TimerBadge } from './DemandReminders.js';
import type { DemandRow } from './store.js';

/**
 * A status is chosen, then confirmed with a button: moving through a closed
 * select with the arrow keys fires `change` in some browsers, which must not
 * decide anything by itself (RGAA 7.5).
 */
function StatusEditor({ who, status, onSave }: { who: string; status: DemandStatus; onSave(status: DemandStatus): void }) {
  const [value, setValue] = useState<DemandStatus>(status);
  useEffect(() => setValue(status), [status]);
  return (
    <span className="status-editor">
      <select aria-label={`Statut de la demande de ${who}`} value={value} onChange={(e) => setValue(e.target.value as DemandStatus)}>
        {DEMAND_STATUSES.map((s) => (
          <option key={s} value={s}>
            {DEMAND_STATUS_LABELS[s]}
          </option>
        ))}
      </select>
      {value !== status ? (
        <button type="button" onClick={() => onSave(value)} aria-label={`Valider le statut de la demande de ${who}`}>
          Valider
        </button>
      ) : null}
    </span>
  );
}

/** Demands as a table; the mayor may change a status in place. Used by the list and the fiche. */
export function DemandTable({
  rows,
  canDecide,
  onStatus,
  caption,
}: {
  rows: DemandRow[];
  canDecide: boolean;
  onStatus?(id: string, status: DemandStatus): void;
  caption: string;
}) {
  const go = useNav((s) => s.go);
  const today = parisDay(new Date());
  if (rows.length === 0) return <p className="muted">Aucune demande.</p>;
  return (
    <table className="table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Demande</th>
          <th scope="col">Personne</th>
          <th scope="col">Né(e) le</th>
          <th scope="col">Saisie le</th>
          <th scope="col">Statut</th>
          <th scope="col">Délai</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((d) => {
          const who = [d.applicant.birthName, d.applicant.usageName ? `(${d.applicant.usageName})` : null, d.applicant.firstNames]
            .filter(Boolean)
            .join(' ');
          return (
            <tr key={d.id} data-personal>
              <td>
                {DEMAND_KIND_LABELS[d.kind]}
                {d.pending ? <span className="badge badge-pending">en attente de synchronisation</span> : null}
                {d.newAddress ? <div className="muted small">Nouvelle adresse : {d.newAddress}</div> : null}
                {d.newBureauCode ? <div className="muted small">Bureau : {d.newBureauCode}</div> : null}
              </td>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => go({ name: 'demand', id: d.id })}
                  aria-label={`Ouvrir la demande de ${who}`}
                >
                  {who}
                </button>
              </td>
              <td>{formatBirthDate(d.applicant.birthDate)}</td>
              <td>
                {formatDateTime(d.createdAtLocal)}
                <span className="muted small"> par {d.createdBy}</span>
              </td>
              <td>
                {canDecide && onStatus ? (
                  <StatusEditor who={who} status={d.status} onSave={(status) => onStatus(d.id, status)} />
                ) : (
                  DEMAND_STATUS_LABELS[d.status]
                )}
              </td>
              <td>
                {demandTimers(d, today).map((t) => (
                  <div key={t.step}>
                    <TimerBadge timer={t} />
                  </div>
                ))}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
