import { useState } from 'react';
import type { AuditEntryView } from '../../../../shared/console/views.js';
import { ListTable } from '../../ui/ListTable.js';
import { consoleApi, errorMessage } from '../api.js';
import { LoadError } from '../Notice.js';
import { frDateTime, useLoad } from '../useLoad.js';
import { plural } from '../../ui/format.js';

const PAGE = 100;

/** The console's audit log, newest first, paged backwards; the whole log as CSV. */
export function AuditScreen() {
  const first = useLoad<AuditEntryView[]>(`audit?limit=${PAGE}`);
  const [more, setMore] = useState<AuditEntryView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const entries = [...(first.data ?? []), ...more];
  const last = entries.at(-1);

  async function older() {
    if (!last) return;
    try {
      setMore([...more, ...(await consoleApi<AuditEntryView[]>('GET', `audit?limit=${PAGE}&before=${encodeURIComponent(last.at)}`))]);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <main id="contenu" tabIndex={-1}>
      <h1>Journal</h1>
      <p>
        Chaque action des agents (console et ligne de commande) y est inscrite.{' '}
        <a href="/console/api/audit.csv" download>
          Exporter tout le journal (CSV)
        </a>
      </p>
      <LoadError error={first.error ?? error} />
      {first.data ? (
        <ListTable
          caption={`${plural(entries.length, 'entrée affichée', 'entrées affichées')}, les plus récentes d’abord`}
          columns={['Date', 'Agent', 'Action', 'Cible', 'Détail']}
          items={entries}
          cells={(e) => [
            frDateTime(e.at),
            e.login,
            e.action,
            e.target ?? '—',
            <code key="d" className="small">
              {e.detail ?? ''}
            </code>,
          ]}
        />
      ) : null}
      {first.data && first.data.length === PAGE ? (
        <button type="button" onClick={() => void older()}>
          Entrées plus anciennes
        </button>
      ) : null}
    </main>
  );
}
