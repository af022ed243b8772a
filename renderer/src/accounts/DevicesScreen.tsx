import { useEffect, useState } from 'react';
import { ConfirmDialog } from '../ui/ConfirmDialog.js';
import { LiveMessage } from '../ui/Field.js';
import { formatDateTime } from '../ui/format.js';
import { useAccounts } from './store.js';

export function DevicesScreen() {
  const { devices, loading, error, notice, loadDevices, revokeDevice } = useAccounts();
  const [toRevoke, setToRevoke] = useState<{ id: string; name: string } | null>(null);
  useEffect(() => {
    void loadDevices();
  }, [loadDevices]);

  return (
    <main id="contenu" tabIndex={-1}>
      <h1>Postes de la mairie</h1>
      <p>Un poste perdu, volé ou remplacé doit être révoqué : il ne recevra plus aucune donnée.</p>
      <LiveMessage error={error} status={notice ?? (loading ? 'Chargement…' : null)} />
      <table className="table">
        <caption>Postes reliés à la commune</caption>
        <thead>
          <tr>
            <th scope="col">Nom du poste</th>
            <th scope="col">Inscrit le</th>
            <th scope="col">Dernière connexion</th>
            <th scope="col">État</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {devices.map((d) => (
            <tr key={d.id}>
              <td>{d.name}</td>
              <td>{formatDateTime(d.createdAt)}</td>
              <td>{formatDateTime(d.lastSeenAt)}</td>
              <td>{d.revoked ? 'Révoqué' : 'Actif'}</td>
              <td>
                {!d.revoked ? (
                  <button type="button" onClick={() => setToRevoke({ id: d.id, name: d.name })} aria-label={`Révoquer le poste ${d.name}`}>
                    Révoquer
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {toRevoke ? (
        <ConfirmDialog
          title="Révoquer ce poste ?"
          confirmLabel="Révoquer"
          danger
          onCancel={() => setToRevoke(null)}
          onConfirm={() => {
            void revokeDevice(toRevoke.id);
            setToRevoke(null);
          }}
        >
          <p>Le poste « {toRevoke.name} » ne pourra plus se synchroniser. Ses données locales ne seront plus mises à jour.</p>
        </ConfirmDialog>
      ) : null}
    </main>
  );
}
