import { ChangePasswordForm } from './ChangePasswordForm.js';
import { useSession } from './store.js';

/**
 * Shown right after a login with a temporary password (the hub holds everything else until the
 * change). The hub judges the new password with the shared rule and answers its French reason.
 */
export function ChangePasswordScreen() {
  const { session, logout } = useSession();
  return (
    <main id="contenu" className="narrow" tabIndex={-1}>
      <h1>Choisir un nouveau mot de passe</h1>
      <p>{session?.user?.displayName ?? 'Votre compte'} : votre mot de passe est provisoire. Choisissez-en un que vous seul connaissez.</p>
      <ChangePasswordForm
        currentLabel="Mot de passe actuel (provisoire)"
        extraActions={
          <button type="button" className="link" onClick={() => void logout()}>
            Se déconnecter
          </button>
        }
      />
    </main>
  );
}
