import { useEffect } from 'react';
import { useNav } from '../nav/store.js';
import { useOwners } from './store.js';

/**
 * The owners of one parcel, reached from the plan cadastral's fiche: the
 * comptes holding it (several for a copropriété). Not a consultation until a
 * compte is opened.
 */
export function ParcelOwnersScreen({ parcel }: { parcel: string }) {
  const { byParcel, error, openParcel } = useOwners();
  const go = useNav((s) => s.go);

  useEffect(() => {
    void openParcel(parcel);
  }, [parcel, openParcel]);

  const shown = byParcel?.parcel.id === parcel ? byParcel : null;
  return (
    <main id="contenu" tabIndex={-1}>
      <p>
        <button type="button" className="link" onClick={() => go({ name: 'cadastre', parcel })}>
          ← Retour à la parcelle sur le plan
        </button>
      </p>
      <h1>Propriétaires de la parcelle {shown?.parcel.ref ?? ''}</h1>
      {error && (
        <p role="alert" className="alert alert-error">
          {error}
        </p>
      )}
      {!shown ? (
        !error && <p role="status">Chargement…</p>
      ) : shown.comptes.length === 0 ? (
        <p>Aucun compte communal du fichier MAJIC ne porte cette parcelle sur ce poste.</p>
      ) : (
        <ul>
          {shown.comptes.map((c) => (
            <li key={c.id} data-personal>
              <button type="button" className="link" onClick={() => go({ name: 'owners-compte', id: c.id })}>
                Compte {c.dnupro}
              </button>{' '}
              — {c.owners.join(' ; ')}
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
