import { servicesFor } from '../../../shared/accounts/collectivites.js';
import { SERVICE_LABELS, SERVICES, type Service } from '../../../shared/accounts/roles.js';
import { DOMAIN_UIS } from '../domains.js';
import { assistanceSentence } from '../help/platform.js';
import { allowed } from '../nav/screens.js';
import { useNav, type Route } from '../nav/store.js';
import type { DomainUi, HomeTile } from '../nav/ui-spec.js';
import { useSession } from '../session/store.js';

/** What a service not built yet will do, so the mayor knows what is coming. */
const COMING: Partial<Record<Service, string>> = {
  cadastre: 'Consulter le plan et les parcelles de la commune.',
  parapheur: 'Faire signer les documents par le maire et les adjoints.',
  helios: 'Envoyer les flux comptables au comptable public.',
  marches: 'Publier les consultations et recevoir les offres.',
  alertes: 'Prévenir les habitants par SMS ou courriel.',
  infos: 'Lire les fiches juridiques et les offres d’emploi du département.',
  assistance: 'Obtenir de l’aide à distance du département.',
};

/**
 * Landing page: every service of the platform, as the collectivité has it —
 * opened (a tile that opens it), available on request (and how to ask), or in
 * preparation — then the administration of the mairie for the mayor.
 */
export function HomeScreen() {
  const session = useSession((s) => s.session);
  const go = useNav((s) => s.go);
  const built = new Map<Service, DomainUi>();
  for (const ui of DOMAIN_UIS as readonly DomainUi[]) if (ui.domain.service) built.set(ui.domain.service, ui);
  const commune = session?.commune ?? null;
  const isCommune = (commune?.kind ?? 'commune') === 'commune';
  // A grouping is never offered a commune-only service (the hub refuses it too): shared rule servicesFor.
  const offered = servicesFor(commune?.kind ?? 'commune');
  const opened = SERVICES.filter((s) => offered.includes(s) && built.has(s) && session?.services.includes(s));
  const onRequest = SERVICES.filter((s) => offered.includes(s) && built.has(s) && !session?.services.includes(s));
  const coming = SERVICES.filter((s) => offered.includes(s) && !built.has(s));
  const admin = (DOMAIN_UIS as readonly DomainUi[])
    .filter((ui) => ui.domain.service === null)
    .flatMap((ui) => ui.tiles)
    .filter((t) => allowed(session, t.open as Route));

  function openTile(service: Service, t: HomeTile, i: number) {
    const title = t.title ?? SERVICE_LABELS[service];
    const mayOpen = allowed(session, t.open as Route);
    if (!mayOpen && !t.denied) return null;
    return (
      <li key={`${service}-${i}`} className={mayOpen ? 'tile' : 'tile tile-off'}>
        <h3>{title}</h3>
        <p>{mayOpen ? t.text : t.denied}</p>
        {mayOpen && t.body ? t.body() : null}
        {mayOpen ? (
          <button type="button" className="primary" onClick={() => go(t.open as Route)}>
            {t.openLabel}
          </button>
        ) : null}
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
      {opened.map((s) => {
        const panel = built.get(s)?.homePanel;
        return panel ? <div key={`panel-${s}`}>{panel()}</div> : null;
      })}
      <h2>Vos services</h2>
      {opened.length === 0 ? (
        <p>Aucun service n'est ouvert pour votre {isCommune ? 'commune' : 'collectivité'}. Contactez le département.</p>
      ) : (
        <ul className="tiles">{opened.flatMap((s) => built.get(s)?.tiles.map((t, i) => openTile(s, t, i)) ?? [])}</ul>
      )}
      {onRequest.length > 0 ? (
        <>
          <h2>Disponibles sur demande</h2>
          <p>
            Ces services sont prêts mais pas encore ouverts pour votre {isCommune ? 'commune' : 'collectivité'}. Pour en ouvrir un, le maire
            le demande au département. {assistanceSentence()}
          </p>
          <ul className="tiles">
            {onRequest.map((s) => (
              <li key={s} className="tile tile-request">
                <h3>{SERVICE_LABELS[s]}</h3>
                <p>{built.get(s)?.tiles[0]?.text}</p>
                <p className="small">
                  <span className="badge badge-request">sur demande</span> Demandez son ouverture au département.
                </p>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {coming.length > 0 ? (
        <>
          <h2>En préparation</h2>
          <p>Ces services seront ajoutés à Guichet dans une prochaine version ; rien à faire pour l'instant.</p>
          <ul className="tiles">
            {coming.map((s) => (
              <li key={s} className="tile tile-off">
                <h3>{SERVICE_LABELS[s]}</h3>
                <p>{COMING[s] ?? ''}</p>
                <p className="small">
                  <span className="badge badge-soon">en préparation</span>
                </p>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {admin.length > 0 ? (
        <>
          <h2>{isCommune ? 'Administration de la mairie' : 'Administration'}</h2>
          <ul className="tiles">
            {admin.map((t) => (
              <li key={t.openLabel} className="tile">
                <h3>{t.title}</h3>
                <p>{t.text}</p>
                <button type="button" onClick={() => go(t.open as Route)}>
                  {t.openLabel}
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </main>
  );
}
