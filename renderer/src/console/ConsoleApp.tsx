import { useCallback, useEffect, useState } from 'react';
import { STAFF_ROLE_LABELS, type StaffInfo } from '../../../shared/console/staff.js';
import { consoleApi, whenSignedOut } from './api.js';
import { sectionsFor } from './sections.js';
import { LoginScreen } from './session/LoginScreen.js';
import { StaffContext } from './useStaff.js';

function sectionFromHash(): string {
  return window.location.hash.replace(/^#\/?/, '').split('/')[0] ?? '';
}

/** The département's console: sign-in, then a menu of sections (sections.tsx), each at `#/<id>`. */
export function ConsoleApp() {
  const [staff, setStaff] = useState<StaffInfo | null>(null);
  const [loading, setLoading] = useState(true);
  const [sectionId, setSectionId] = useState(sectionFromHash);

  useEffect(() => {
    whenSignedOut(() => setStaff(null));
    consoleApi<StaffInfo>('GET', 'me')
      .then(setStaff, () => setStaff(null))
      .finally(() => setLoading(false));
    const onHash = () => setSectionId(sectionFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const sections = staff ? sectionsFor(staff.role) : [];
  const section = sections.find((s) => s.id === sectionId) ?? sections[0];

  // A section change is announced by moving focus to the new content.
  useEffect(() => {
    if (!section) return;
    document.title = `${section.label} — Console du département`;
    const main = document.getElementById('contenu');
    if (main && !main.contains(document.activeElement)) main.focus({ preventScroll: true });
  }, [section]);

  const logout = useCallback(async () => {
    await consoleApi('POST', 'logout').catch(() => undefined);
    setStaff(null);
  }, []);

  if (loading) return <p className="muted">Chargement…</p>;
  if (!staff) return <LoginScreen onSignedIn={setStaff} />;
  return (
    <StaffContext.Provider value={staff}>
      <div className="app">
        <a className="skip" href="#contenu">
          Aller au contenu
        </a>
        <header className="topbar">
          <div className="brand">
            <span className="brand-name">Guichet</span>
            <span className="brand-commune">Console du département</span>
          </div>
          <div className="who">
            <span>
              {staff.displayName} <span className="muted">({STAFF_ROLE_LABELS[staff.role]})</span>
            </span>
            <button type="button" className="link-light" onClick={() => void logout()}>
              Se déconnecter
            </button>
          </div>
        </header>
        <div className="layout">
          <nav aria-label="Menu de la console" className="sidemenu">
            <ul>
              {sections.map((s) => (
                <li key={s.id}>
                  <a className="navlink" href={`#/${s.id}`} aria-current={s.id === section?.id ? 'page' : undefined}>
                    {s.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div className="column">
            <div className="content">{section ? section.render() : null}</div>
          </div>
        </div>
      </div>
    </StaffContext.Provider>
  );
}
