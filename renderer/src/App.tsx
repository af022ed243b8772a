import { useEffect, useState } from 'react';
import { roleLabel } from '../../shared/accounts/collectivites.js';
import type { Permission } from '../../shared/accounts/roles.js';
import { ActForm } from './acts/ActForm.js';
import { ActPage } from './acts/ActPage.js';
import { ActsScreen } from './acts/ActsScreen.js';
import { CertificateScreen } from './acts/CertificateScreen.js';
import { useActs } from './acts/store.js';
import { DevicesScreen } from './accounts/DevicesScreen.js';
import { useAccounts } from './accounts/store.js';
import { UsersScreen } from './accounts/UsersScreen.js';
import { DemandForm } from './electoral/DemandForm.js';
import { DemandsScreen } from './electoral/DemandsScreen.js';
import { ElectorScreen } from './electoral/ElectorScreen.js';
import { ImportScreen } from './electoral/ImportScreen.js';
import { SearchScreen } from './electoral/SearchScreen.js';
import { useDemands, useImport, useSearch } from './electoral/store.js';
import { HomeScreen } from './home/HomeScreen.js';
import { useNav, type Route } from './nav/store.js';
import { EnrollScreen } from './session/EnrollScreen.js';
import { LoginScreen } from './session/LoginScreen.js';
import { useSession } from './session/store.js';
import { SyncBar } from './sync/SyncBar.js';
import { useSync } from './sync/store.js';
import { UpdateBanner } from './updates/UpdateBanner.js';

/** What each screen needs; the hub checks again, this only avoids showing what cannot be used. */
const NEEDS: Record<Route['name'], Permission | null> = {
  home: null,
  search: 'electoral.read',
  elector: 'electoral.read',
  import: 'electoral.import',
  demands: 'electoral.read',
  'demand-new': 'electoral.demand',
  users: 'users.manage',
  devices: 'users.manage',
  acts: 'acts.read',
  act: 'acts.read',
  'act-new': 'acts.draft',
  'act-certificate': 'acts.transmit',
};

const TITLES: Record<Route['name'], string> = {
  home: 'Accueil',
  search: 'Rechercher un électeur',
  elector: 'Fiche électeur',
  import: 'Importer la liste électorale',
  demands: 'Demandes',
  'demand-new': 'Nouvelle demande',
  users: 'Comptes',
  devices: 'Postes',
  acts: 'Contrôle de légalité',
  act: 'Acte',
  'act-new': 'Préparer un acte',
  'act-certificate': 'Certificat de signature',
};

const MENU: { route: Route; label: string }[] = [
  { route: { name: 'home' }, label: 'Accueil' },
  { route: { name: 'search' }, label: 'Rechercher' },
  { route: { name: 'demands' }, label: 'Demandes' },
  { route: { name: 'import' }, label: 'Importer' },
  { route: { name: 'acts' }, label: 'Actes' },
  { route: { name: 'users' }, label: 'Comptes' },
  { route: { name: 'devices' }, label: 'Postes' },
];

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'home':
      return <HomeScreen />;
    case 'search':
      return <SearchScreen />;
    case 'elector':
      return <ElectorScreen id={route.id} />;
    case 'import':
      return <ImportScreen />;
    case 'demands':
      return <DemandsScreen />;
    case 'demand-new':
      return <DemandForm key={route.electorId ?? 'new'} electorId={route.electorId} />;
    case 'users':
      return <UsersScreen />;
    case 'devices':
      return <DevicesScreen />;
    case 'acts':
      return <ActsScreen />;
    case 'act':
      return <ActPage key={route.id} id={route.id} />;
    case 'act-new':
      return <ActForm />;
    case 'act-certificate':
      return <CertificateScreen />;
  }
}

function Shell() {
  const { session, logout, load } = useSession();
  const { route, go } = useNav();
  // A revoked PC or a disabled account: the core drops the session; show the login screen.
  const syncErrorCode = useSync((s) => s.state?.lastError?.code);
  useEffect(() => {
    if (syncErrorCode === 'unauthenticated') void load();
  }, [syncErrorCode, load]);
  const perms = session?.permissions ?? [];
  const allowed = (r: Route) => {
    const need = NEEDS[r.name];
    if (need === null) return true;
    if (need.startsWith('electoral.') && !session?.services.includes('electoral')) return false;
    if (need.startsWith('acts.') && !session?.services.includes('acts')) return false;
    return perms.includes(need);
  };

  // A screen change is announced by moving focus to the new content (unless the screen focused a field itself).
  useEffect(() => {
    document.title = `${TITLES[route.name]} — Guichet`;
    const main = document.getElementById('contenu');
    window.scrollTo(0, 0);
    if (main && !main.contains(document.activeElement)) main.focus({ preventScroll: true });
  }, [route]);

  return (
    <div className="app">
      <a className="skip" href="#contenu">
        Aller au contenu
      </a>
      <header className="topbar">
        <div className="brand">
          <span className="brand-name">Guichet</span>
          <span className="brand-commune">{session?.commune?.name}</span>
        </div>
        <nav aria-label="Menu principal">
          <ul>
            {MENU.filter((m) => allowed(m.route)).map((m) => (
              <li key={m.route.name}>
                <button
                  type="button"
                  className="navlink"
                  aria-current={route.name === m.route.name ? 'page' : undefined}
                  onClick={() => go(m.route)}
                >
                  {m.label}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>
            {session?.user?.displayName}{' '}
            <span className="muted">({session?.user ? roleLabel(session.commune?.kind, session.user.role) : ''})</span>
          </span>
          <button type="button" className="link-light" onClick={() => void logout()}>
            Se déconnecter
          </button>
        </div>
      </header>
      <UpdateBanner />
      <SyncBar />
      <div className="content">
        {allowed(route) ? (
          <Screen route={route} />
        ) : (
          <main id="contenu" tabIndex={-1}>
            <h1>Accès non autorisé</h1>
            <p>Votre compte ne permet pas d'ouvrir cette page. Demandez au maire si vous en avez besoin.</p>
          </main>
        )}
      </div>
    </div>
  );
}

/** Personal data must not outlive the session in memory (shared PC at the counter). */
function forgetSessionData() {
  // reset(), not setState: a search answer still on its way must not bring names back after logout.
  useSearch.getState().reset();
  useDemands.setState({ items: [], notice: null, error: null });
  useImport.getState().reset();
  useAccounts.setState({ users: [], devices: [], notice: null, error: null });
  useActs.setState({ items: [], detail: null, certificate: null, progress: {}, answered: [], notice: null, error: null });
  useNav.setState({ route: { name: 'home' } });
}

export function App() {
  const { session, loading, load, error } = useSession();
  const [wantLogin, setWantLogin] = useState<boolean | null>(null);
  const loggedIn = session?.status === 'logged_in';
  useEffect(() => {
    if (!loggedIn) forgetSessionData();
  }, [loggedIn]);

  useEffect(() => {
    void load();
  }, [load]);

  if (loading && !session) {
    return (
      <main id="contenu" className="narrow">
        <p role="status">Chargement de Guichet…</p>
      </main>
    );
  }
  if (!session) {
    return (
      <main id="contenu" className="narrow">
        <h1>Guichet ne répond pas</h1>
        <p role="alert" className="alert alert-error">
          {error}
        </p>
        <button type="button" onClick={() => void load()}>
          Réessayer
        </button>
      </main>
    );
  }
  if (session.status !== 'logged_in') {
    const login = wantLogin ?? session.status === 'logged_out';
    return login ? <LoginScreen onEnroll={() => setWantLogin(false)} /> : <EnrollScreen onLogin={() => setWantLogin(true)} />;
  }
  return <Shell />;
}
