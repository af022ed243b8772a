import { useEffect, useRef } from 'react';
import { useSession } from '../session/store.js';
import { useAccounts } from './store.js';

/**
 * The temporary passwords the hub just gave, shown once: the mayor tells each person by voice.
 * Focused when it appears so a screen reader reads it; « J'ai noté » forgets them.
 */
export function TemporaryPasswords() {
  const { shownPasswords, forgetPasswords } = useAccounts();
  const me = useSession((s) => s.session?.user?.id);
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    if (shownPasswords) ref.current?.focus();
  }, [shownPasswords]);
  if (!shownPasswords) return null;
  const { resets, notReset } = shownPasswords;
  return (
    <section className="alert alert-info" aria-labelledby="temporary-passwords-title" tabIndex={-1} ref={ref}>
      <h2 id="temporary-passwords-title">Mots de passe provisoires</h2>
      {resets.length > 0 ? (
        <>
          <p>
            Notez-les maintenant : ils ne seront plus affichés. Sélectionnez le mot de passe puis Ctrl+C pour le copier, et communiquez-le à
            la personne de vive voix, jamais par courriel. Elle en choisira un nouveau à sa prochaine connexion.
          </p>
          <ul>
            {resets.map((r) => (
              <li key={r.user.id}>
                {r.user.displayName} (« {r.user.username} ») : <code className="temporary-password">{r.temporaryPassword}</code>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>Aucun mot de passe n'a été réinitialisé.</p>
      )}
      {notReset.length > 0 ? (
        <>
          <p>Non réinitialisés :</p>
          <ul>
            {notReset.map((u) => (
              <li key={u.id}>
                {u.displayName} (« {u.username} ») :{' '}
                {u.id === me
                  ? 'votre compte — changez votre mot de passe vous-même dans « Mon compte ».'
                  : 'compte de maire — seul le département peut le réinitialiser ; prévenez-le.'}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <div className="actions">
        <button type="button" onClick={forgetPasswords}>
          J'ai noté, masquer
        </button>
      </div>
    </section>
  );
}
