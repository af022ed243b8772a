import { useEffect, useState } from 'react';
import { useConfirmedAction } from '../ui/ConfirmDialog.js';
import { LiveMessage } from '../ui/Field.js';
import { formatDateTime } from '../ui/format.js';
import { ListTable } from '../ui/ListTable.js';
import { useAccounts } from './store.js';
import { TemporaryPasswords } from './TemporaryPasswords.js';

export function DevicesScreen() {
  const { devices, loading, error, notice, loadDevices, revokeDevice } = useAccounts();
  const [resetPasswords, setResetPasswords] = useState(false);
  const revoke = useConfirmedAction({
    title: 'Révoquer ce poste ?',
    confirmLabel: 'Révoquer',
    body: (d: { id: string; name: string }) => (
      <>
        <p>Le poste « {d.name} » ne pourra plus se synchroniser. Ses données locales ne seront plus mises à jour.</p>
        <label className="radio">
          <input type="checkbox" checked={resetPasswords} onChange={(e) => setResetPasswords(e.target.checked)} /> Réinitialiser aussi le
          mot de passe des personnes qui ont utilisé ce poste (ordinateur perdu ou volé)
        </label>
      </>
    ),
    act: (d) => {
      void revokeDevice(d.id, resetPasswords);
      setResetPasswords(false);
    },
    cancel: () => setResetPasswords(false),
  });
  useEffect(() => {
    void loadDevices();
  }, [loadDevices]);

  return (
    <main id="contenu" tabIndex={-1}>
      <h1>Postes de la mairie</h1>
      <p>
        Un poste perdu, volé ou remplacé doit être révoqué : il ne recevra plus aucune donnée. « Ce poste » est l'ordinateur sur lequel vous
        êtes.
      </p>
      <LiveMessage error={error} status={notice ?? (loading ? 'Chargement…' : null)} />
      <ListTable
        caption="Postes reliés à la commune"
        columns={['Nom du poste', 'Inscrit le', 'Dernière connexion', 'État', 'Action']}
        items={devices}
        cells={(d) => [
          d.current ? `${d.name} (ce poste)` : d.name,
          formatDateTime(d.createdAt),
          formatDateTime(d.lastSeenAt),
          d.revoked ? 'Révoqué' : 'Actif',
          !d.revoked ? revoke.button({ id: d.id, name: d.name }, `Révoquer le poste ${d.name}`) : null,
        ]}
      />
      <TemporaryPasswords />
      {revoke.dialog}
    </main>
  );
}
