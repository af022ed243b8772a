import { allowedServices } from '../../../shared/accounts/collectivites.js';
import { SERVICES, SERVICE_LABELS, type Service } from '../../../shared/accounts/roles.js';
import { useNav } from '../nav/store.js';
import { useCan, useSession } from '../session/store.js';

/** Landing page: the collectivité's services as tiles. The electoral list and the legality control are available in this version. */
export function HomeScreen() {
  const session = useSession((s) => s.session);
  const go = useNav((s) => s.go);
  const canRead = useCan('electoral.read');
  const canManage = useCan('users.manage');
  const canActs = useCan('acts.read');
  const commune = session?.commune ?? null;
  // The hub grants a grouping no commune-only service; the same rule here keeps the tiles honest with any answer.
  const services = allowedServices(
    commune?.kind ?? 'commune',
    SERVICES.filter((s) => session?.services.includes(s)),
  );
  const isCommune = (commune?.kind ?? 'commune') === 'commune';

  function tile(service: Service) {
    if (service === 'electoral') {
      return canRead ? (
        <li key={service} className="tile">
          <h3>{SERVICE_LABELS[service]}</h3>
          <p>Rechercher un électeur, importer l'extrait du REU, saisir les demandes.</p>
          <button type="button" className="primary" onClick={() => go({ name: 'search' })}>
            Ouvrir les listes électorales
          </button>
        </li>
      ) : (
        <li key={service} className="tile tile-off">
          <h3>{SERVICE_LABELS[service]}</h3>
          <p>Votre compte ne donne pas accès aux données des électeurs.</p>
        </li>
      );
    }
    if (service === 'acts' && canActs) {
      return (
        <li key={service} className="tile">
          <h3>{SERVICE_LABELS[service]}</h3>
          <p>Préparer, signer et transmettre les actes à la préfecture, suivre les accusés de réception.</p>
          <button type="button" className="primary" onClick={() => go({ name: 'acts' })}>
            Ouvrir le contrôle de légalité
          </button>
        </li>
      );
    }
    return (
      <li key={service} className="tile tile-off">
        <h3>{SERVICE_LABELS[service]}</h3>
        <p>
          <span className="badge badge-soon">bientôt</span> Ce service arrivera dans une prochaine version.
        </p>
      </li>
    );
  }

  return (
    <main id="contenu" tabIndex={-1}>
      <h1>{isCommune ? `Mairie de ${commune?.name ?? ''}` : (commune?.name ?? '')}</h1>
      <p className="muted">
        Bonjour {session?.user?.displayName}.{' '}
        {isCommune
          ? `Code INSEE ${commune?.insee ?? ''}.`
          : `SIREN ${commune?.siren ?? ''}, ${commune?.members.length ?? 0} communes membres.`}
      </p>
      <h2>Vos services</h2>
      {services.length === 0 ? (
        <p>Aucun service n'est ouvert pour votre {isCommune ? 'commune' : 'collectivité'}. Contactez le département.</p>
      ) : (
        <ul className="tiles">{services.map(tile)}</ul>
      )}
      {canManage ? (
        <>
          <h2>{isCommune ? 'Administration de la mairie' : 'Administration'}</h2>
          <ul className="tiles">
            <li className="tile">
              <h3>Comptes</h3>
              <p>Créer un compte pour la secrétaire ou un élu, désactiver un compte.</p>
              <button type="button" onClick={() => go({ name: 'users' })}>
                Gérer les comptes
              </button>
            </li>
            <li className="tile">
              <h3>Postes</h3>
              <p>Voir les ordinateurs reliés à la commune, révoquer un poste perdu.</p>
              <button type="button" onClick={() => go({ name: 'devices' })}>
                Gérer les postes
              </button>
            </li>
          </ul>
        </>
      ) : null}
    </main>
  );
}
