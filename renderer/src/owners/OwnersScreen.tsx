import { useEffect } from 'react';
import { useNav } from '../nav/store.js';
import { plural } from '../ui/format.js';
import { Pager } from '../ui/Pager.js';
import { OwnersDataNotice } from './OwnersDataNotice.js';
import { PAGE_SIZE, pageOf, useOwners } from './store.js';

/**
 * Propriétaires: search as you type over the comptes held (encrypted) on
 * this PC, by birth or usage name (accents and case ignored), a parcel
 * (`ZB 12`) or a compte number. The list shows no birth date: opening a
 * compte is the consultation, and it is logged.
 */
export function OwnersScreen() {
  const { state, query, result, offset, error, loadState, search, page } = useOwners();
  const go = useNav((s) => s.go);

  useEffect(() => {
    void loadState();
    // A sync may have brought comptes since the last visit: search again.
    const q = useOwners.getState().query;
    if (q) void search(q);
  }, [loadState, search]);

  const hits = result?.hits ?? [];
  const status =
    query.trim().length < 2
      ? ''
      : !result
        ? 'Recherche…'
        : hits.length === 0
          ? 'Aucun propriétaire ne correspond.'
          : result.truncated
            ? `Plus de ${hits.length} propriétaires : précisez la recherche.`
            : plural(hits.length, 'propriétaire trouvé', 'propriétaires trouvés');

  return (
    <main id="contenu" tabIndex={-1}>
      <h1>Propriétaires</h1>
      <OwnersDataNotice state={state} />
      <div className="field search-field">
        <label htmlFor="owners-q">Nom de naissance ou d'usage, parcelle ou numéro de compte</label>
        <p className="hint" id="owners-q-help">
          Les accents et les majuscules ne comptent pas (« benard » trouve BÉNARD). Une parcelle : « ZB 12 ». Chaque compte ouvert est
          inscrit au journal des consultations.
        </p>
        <input
          id="owners-q"
          type="search"
          autoComplete="off"
          spellCheck={false}
          aria-describedby="owners-q-help"
          value={query}
          onChange={(e) => void search(e.target.value)}
          // biome-ignore lint/a11y/noAutofocus: she came to this screen to type a name
          autoFocus
        />
      </div>
      <p role="status" aria-live="polite" className="result-count">
        {status}
      </p>
      {error && (
        <p role="alert" className="alert alert-error">
          {error}
        </p>
      )}
      {result?.parcel && (
        <p>
          <button type="button" className="link" onClick={() => go({ name: 'owners-parcel', parcel: result.parcel?.id ?? '' })}>
            Propriétaires de la parcelle {result.parcel.ref}
          </button>
        </p>
      )}
      {hits.length > 0 && (
        <>
          <table className="table">
            <caption className="visually-hidden">Propriétaires trouvés</caption>
            <thead>
              <tr>
                <th scope="col">Nom et prénoms</th>
                <th scope="col">Nom de naissance</th>
                <th scope="col">Droit</th>
                <th scope="col">Compte</th>
                <th scope="col">Parcelles</th>
              </tr>
            </thead>
            <tbody>
              {pageOf(hits, offset).map((h) => (
                <tr key={`${h.compteId}-${h.dnuper}`} data-personal>
                  <td>
                    <button
                      type="button"
                      className="link"
                      aria-label={`Ouvrir le compte ${h.dnupro} de ${h.displayName}`}
                      onClick={() => go({ name: 'owners-compte', id: h.compteId })}
                    >
                      {h.displayName}
                    </button>
                  </td>
                  <td>{h.legalPerson ? '—' : h.birthName}</td>
                  <td>
                    {h.right}
                    {h.coOwners > 0 ? ` (avec ${plural(h.coOwners, 'autre', 'autres')})` : ''}
                  </td>
                  <td>{h.dnupro}</td>
                  <td>{h.parcels}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager offset={offset} pageSize={PAGE_SIZE} total={hits.length} onPage={page} label="Pages des propriétaires trouvés" />
        </>
      )}
    </main>
  );
}
