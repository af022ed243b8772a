import { useEffect, useState } from 'react';
import { roleLabel } from '../../shared/accounts/collectivites.js';
import { AssistanceDock } from './assistance/AssistanceDock.js';
import { DOMAIN_UIS } from './domains.js';
import { HelpFooter } from './help/HelpFooter.js';
import { allowed, deniedOf, menuFor, menuRouteOf, renderScreen, titleOf } from './nav/screens.js';
import { useNav } from './nav/store.js';
import { EnrollScreen } from './session/EnrollScreen.js';
import { ChangePasswordScreen } from './session/ChangePasswordScreen.js';
import { LoginScreen } from './session/LoginScreen.js';
import { useSession } from './session/store.js';
import { SyncBar } from './sync/SyncBar.js';
import { useSync } from './sync/store.js';
import { UpdateBanner } from './updates/UpdateBanner.js';

function Menu() {
  const session = useSession((s) => s.session);
  const { route, go } = useNav();
  const current = menuRouteOf(route);
  return (
    <nav aria-label="Menu principal" className="sidemenu">
      {menuFor(session).map((group) => {
        const items = (
          <ul>
            {group.items.map((m) => (
              <li key={m.route.name}>
                <button
                  type="button"
                  className="navlink"
                  // The screen itself, or the entry a sub-screen (fiche, acte, certificat) belongs to.
                  aria-current={m.route.name === route.name ? 'page' : m.route.name === current ? 'true' : undefined}
                  onClick={() => go(m.route)}
                >
                  {m.label}
                </button>
              </li>
            ))}
          </ul>
        );
        if (group.label === null) return <div key="shell">{items}</div>;
        const id = `menu-${group.items[0].route.name}`;
        return (
          // biome-ignore lint/a11y/useSemanticElements: a group of menu entries (a fieldset is for form fields); not a landmark: the menu is the one navigation landmark
          <div key={group.label} role="group" aria-labelledby={id} className="menu-group">
            <h2 id={id} className="menu-group-label">
              {group.label}
            </h2>
            {items}
          </div>
        );
      })}
    </nav>
  );
}

function Shell() {
  const { session, logout, load } = useSession();
  const route = useNav((s) => s.route);
  // A revoked PC or a disabled account: the core drops the session; show the login screen.
  const syncErrorCode = useSync((s) => s.state?.lastError?.code);
  useEffect(() => {
    if (syncErrorCode === 'unauthenticated') void load();
  }, [syncErrorCode, load]);

  // A screen change is announced by moving focus to the new content (unless the screen focused a field itself).
  useEffect(() => {
    document.title = `${titleOf(route)} — Guichet`;
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
      <div className="layout">
        <Menu />
        <div className="column">
          <UpdateBanner />
          <SyncBar />
          <div className="content">
            {allowed(session, route) ? (
              renderScreen(route)
            ) : (
              <main id="contenu" tabIndex={-1}>
                <h1>Accès non autorisé</h1>
                <p>{deniedOf(route) ?? "Votre compte ne permet pas d'ouvrir cette page. Demandez au maire si vous en avez besoin."}</p>
              </main>
            )}
          </div>
          <AssistanceDock />
          <HelpFooter />
        </div>
      </div>
    </div>
  );
}

/** Personal data must not outlive the session in memory (shared PC at the counter). */
function forgetSessionData() {
  for (const ui of DOMAIN_UIS) ui.reset();
  useNav.setState({ route: { name: 'home' } });
}

export function App() {
  const { session, loading, load, error, start } = useSession();
  const [wantLogin, setWantLogin] = useState<boolean | null>(null);
  const loggedIn = session?.status === 'logged_in';
  useEffect(() => {
    if (!loggedIn) forgetSessionData();
  }, [loggedIn]);

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => start(), [start]);

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
    return (
      <>
        {login ? <LoginScreen onEnroll={() => setWantLogin(false)} /> : <EnrollScreen onLogin={() => setWantLogin(true)} />}
        <HelpFooter withGuide={false} />
      </>
    );
  }
  if (session.mustChangePassword === true) {
    return (
      <>
        <ChangePasswordScreen />
        <HelpFooter withGuide={false} />
      </>
    );
  }
  return <Shell />;
}
