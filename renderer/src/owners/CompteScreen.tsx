import { useEffect, useState } from 'react';
import type { CompteOwner, CompteView } from '../../../shared/owners/ipc.js';
import { useNav } from '../nav/store.js';
import { mayOpen } from '../nav/access.js';
import { useSession } from '../session/store.js';
import { plural } from '../ui/format.js';
import { ReleveDialog } from './ReleveDialog.js';
import { useOwners } from './store.js';

const LOCAL_TYPES: Record<string, string> = {
  '1': 'Maison',
  '2': 'Appartement',
  '3': 'Dépendance',
  '4': 'Local commercial ou industriel',
};

function ownerName(o: CompteOwner): string {
  if (o.legalPerson) return o.designation;
  const name = o.usageName || o.birthName;
  const first = o.usageFirstNames || o.birthFirstNames;
  return [o.title, name, first].filter(Boolean).join(' ');
}

/**
 * The compte communal: its owners with their rights, every parcel (each opens
 * in the plan cadastral), the locals. Opening it is a consultation the core
 * logs; the relevé de propriété is printed from here.
 */
export function CompteScreen({ id }: { id: string }) {
  const { compte, error, busy, openCompte } = useOwners();
  const go = useNav((s) => s.go);
  const [releve, setReleve] = useState(false);

  useEffect(() => {
    void openCompte(id);
  }, [id, openCompte]);

  const shown = compte?.id === id ? compte : null;
  return (
    <main id="contenu" tabIndex={-1}>
      <p>
        <button type="button" className="link" onClick={() => go({ name: 'owners' })}>
          ← Retour à la recherche des propriétaires
        </button>
      </p>
      <h1>Compte communal {shown ? shown.dnupro : ''}</h1>
      {error && (
        <p role="alert" className="alert alert-error">
          {error}
        </p>
      )}
      {!shown ? !error && <p role="status">Chargement…</p> : <CompteBody compte={shown} busy={busy} onReleve={() => setReleve(true)} />}
      {releve && shown && <ReleveDialog compte={shown} onClose={() => setReleve(false)} />}
    </main>
  );
}

function CompteBody({ compte, busy, onReleve }: { compte: CompteView; busy: boolean; onReleve(): void }) {
  const go = useNav((s) => s.go);
  const session = useSession((s) => s.session);
  // The plan is the cadastre's: a parcel opens there only when this session may see the plan.
  const planAllowed = mayOpen(session, 'cadastre', 'cadastre.read');
  return (
    <>
      <p className="muted">
        Commune {compte.insee}, MAJIC millésime {compte.millesime} — {plural(compte.parcels.length, 'parcelle', 'parcelles')},{' '}
        {compte.totalContenance}.
      </p>
      <div className="actions">
        <button type="button" className="primary" disabled={busy} onClick={onReleve}>
          Relevé de propriété (PDF)…
        </button>
      </div>

      <h2>Propriétaires et droits</h2>
      <table className="table">
        <caption className="visually-hidden">Propriétaires du compte {compte.dnupro}</caption>
        <thead>
          <tr>
            <th scope="col">Nom</th>
            <th scope="col">Nom de naissance</th>
            <th scope="col">Droit</th>
            <th scope="col">Né(e) le, à</th>
            <th scope="col">Adresse</th>
          </tr>
        </thead>
        <tbody>
          {compte.owners.map((o) => (
            <tr key={o.dnuper} data-personal>
              <td>{ownerName(o)}</td>
              <td>{o.legalPerson ? (o.siren ? `SIREN ${o.siren}` : '—') : `${o.birthName} ${o.birthFirstNames}`.trim()}</td>
              <td>{[o.rightLabel, o.dismembermentLabel].filter(Boolean).join(' — ')}</td>
              <td>{o.birthDate ? `${o.birthDate}${o.birthPlace ? `, ${o.birthPlace}` : ''}` : '—'}</td>
              <td>{o.postalAddress}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Parcelles</h2>
      <table className="table">
        <caption className="visually-hidden">Parcelles du compte {compte.dnupro}</caption>
        <thead>
          <tr>
            <th scope="col">Parcelle</th>
            <th scope="col">Adresse ou lieu-dit</th>
            <th scope="col">Contenance</th>
            <th scope="col">Bâtie</th>
          </tr>
        </thead>
        <tbody>
          {compte.parcels.map((p) => (
            <tr key={p.id}>
              <td>
                {planAllowed ? (
                  <button
                    type="button"
                    className="link"
                    aria-label={`Voir la parcelle ${p.ref} sur le plan cadastral`}
                    onClick={() => go({ name: 'cadastre', parcel: p.id })}
                  >
                    {p.ref}
                  </button>
                ) : (
                  p.ref
                )}
              </td>
              <td data-personal>{p.address || '—'}</td>
              <td>{p.contenance}</td>
              <td>{p.built ? 'oui' : 'non'}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {compte.locals.length > 0 && (
        <>
          <h2>Locaux</h2>
          <table className="table">
            <caption className="visually-hidden">Locaux du compte {compte.dnupro}</caption>
            <thead>
              <tr>
                <th scope="col">Invariant</th>
                <th scope="col">Type</th>
                <th scope="col">Adresse</th>
              </tr>
            </thead>
            <tbody>
              {compte.locals.map((l) => (
                <tr key={l.invar}>
                  <td>{l.invar}</td>
                  <td>{LOCAL_TYPES[l.type] ?? l.type}</td>
                  <td data-personal>{l.address || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
