import type { DevicePoste } from '../../../../shared/console/views.js';
import { ListTable } from '../../ui/ListTable.js';
import { LoadError } from '../Notice.js';
import { frDateTime, useLoad } from '../useLoad.js';
import { plural } from '../../ui/format.js';

const UPDATE_LABELS: Record<string, string> = {
  idle: 'Au repos',
  checking: 'Recherche',
  downloading: 'Téléchargement',
  ready: 'Prête à installer',
  up_to_date: 'À jour',
  error: 'Échec (nouvel essai plus tard)',
};

/** Postes as they reported at their last sync: version, OS, queue, last error, update state. */
export function PostesScreen() {
  const { data, error } = useLoad<DevicePoste[]>('postes');
  return (
    <main id="contenu" tabIndex={-1}>
      <h1>Postes</h1>
      <p className="muted">Chaque poste envoie ces informations à chaque synchronisation (aucune donnée personnelle).</p>
      <LoadError error={error} />
      {data ? (
        <ListTable
          caption={plural(data.length, 'poste', 'postes')}
          empty="Aucun poste ne s’est encore synchronisé : un poste apparaît ici après sa première synchronisation."
          columns={['Poste', 'Collectivité', 'Version', 'Système', 'Dernière synchro', 'En attente', 'Dernière erreur', 'Mise à jour']}
          items={data}
          cells={(p) => [
            <span key="n">
              {p.name}
              <br />
              <span className="small muted">
                {p.username}
                {p.revoked ? ', révoqué' : ''}
              </span>
            </span>,
            `${p.collectivite.name} (${p.collectivite.code})`,
            p.appVersion ?? 'jamais signalé',
            p.os ?? '—',
            frDateTime(p.lastSyncAt),
            p.pendingChanges === null ? '—' : String(p.pendingChanges),
            <span className="small" key="e">
              {p.lastError ?? '—'}
            </span>,
            p.updateStatus ? `${UPDATE_LABELS[p.updateStatus] ?? p.updateStatus}${p.updateVersion ? ` (${p.updateVersion})` : ''}` : '—',
          ]}
        />
      ) : null}
    </main>
  );
}
