import { useEffect, useState } from 'react';
import { DEMAND_STATUSES, DEMAND_STATUS_LABELS, type DemandStatus } from '../../../shared/electoral/types.js';
import { useNav } from '../nav/store.js';
import { useCan, useSession } from '../session/store.js';
import { useSync } from '../sync/store.js';
import { plural } from '../ui/format.js';
import { Pager } from '../ui/Pager.js';
import { DemandTable } from './DemandTable.js';
import { UnmatchedDemands } from './UnmatchedDemands.js';
import { useDemands } from './store.js';

const PAGE = 25;

export function DemandsScreen() {
  const { items, filter, loading, error, notice, load, setStatus } = useDemands();
  const go = useNav((s) => s.go);
  const canDemand = useCan('electoral.demand');
  const isMayor = useSession((s) => s.session?.user?.role === 'maire');
  const [offset, setOffset] = useState(0);
  // Reload when a sync ran: statuses and "pending" badges may have changed.
  const syncMark = useSync((s) => `${s.state?.lastSuccessAt ?? ''}|${s.state?.pending ?? ''}`);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `syncMark` is the trigger: a sync that ran must reload the list
  useEffect(() => {
    void load();
  }, [load, syncMark]);
  // The "saved" confirmation is for the visit right after saving only.
  useEffect(() => () => useDemands.setState({ notice: null }), []);

  return (
    <main id="contenu" tabIndex={-1}>
      <h1>Demandes</h1>
      {notice ? (
        <p role="status" className="alert alert-success">
          {notice}
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="alert alert-error">
          {error}
        </p>
      ) : null}
      <div className="toolbar">
        <div className="field inline">
          <label htmlFor="demand-filter">Afficher</label>
          <select
            id="demand-filter"
            value={filter ?? ''}
            onChange={(e) => {
              setOffset(0);
              void load((e.target.value || null) as DemandStatus | null);
            }}
          >
            <option value="">Toutes les demandes</option>
            {DEMAND_STATUSES.map((s) => (
              <option key={s} value={s}>
                {DEMAND_STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        {canDemand ? (
          <button type="button" className="primary" onClick={() => go({ name: 'demand-new', electorId: null })}>
            Nouvelle demande d'inscription
          </button>
        ) : null}
      </div>
      <p role="status" aria-live="polite" className="muted">
        {loading ? 'Chargement…' : plural(items.length, 'demande', 'demandes')}
      </p>
      <DemandTable
        caption="Liste des demandes"
        rows={items.slice(offset, offset + PAGE)}
        canDecide={isMayor}
        onStatus={(id, s) => void setStatus(id, s)}
      />
      <Pager label="Pages des demandes" offset={offset} pageSize={PAGE} total={items.length} onPage={setOffset} />
      <UnmatchedDemands rows={items} />
    </main>
  );
}
