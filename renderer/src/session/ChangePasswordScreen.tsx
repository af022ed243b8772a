import type { FormEvent } from 'react';
import { ErrorSummary, Field, LiveMessage } from '../ui/Field.js';
import { useForm } from '../ui/useForm.js';
import { useSession } from './store.js';

type Values = { currentPassword: string; newPassword: string; confirm: string };

const LABELS: Record<string, string> = {
  currentPassword: 'Mot de passe actuel',
  newPassword: 'Nouveau mot de passe',
  confirm: 'Confirmation',
};

/**
 * Shown right after a login with a temporary password (the hub holds everything else until the
 * change). The hub judges the new password with the shared rule and answers its French reason.
 */
export function ChangePasswordScreen() {
  const { session, busy, error, changePassword, logout } = useSession();
  const { values: v, errors, submitted, bind, report } = useForm<Values>({ currentPassword: '', newPassword: '', confirm: '' });

  async function submit(e: FormEvent) {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!v.currentPassword) found.currentPassword = 'Saisissez le mot de passe provisoire reçu.';
    if (v.newPassword.length < 10) found.newPassword = 'Le mot de passe doit faire au moins 10 caractères.';
    else if (v.confirm !== v.newPassword) found.confirm = 'Les deux mots de passe ne sont pas identiques.';
    if (!report(found)) return;
    await changePassword({ currentPassword: v.currentPassword, newPassword: v.newPassword });
  }

  return (
    <main id="contenu" className="narrow" tabIndex={-1}>
      <h1>Choisir un nouveau mot de passe</h1>
      <p>
        {session?.user?.displayName ?? 'Votre compte'} : votre mot de passe est provisoire. Choisissez-en un que vous seul connaissez. Une
        phrase de plusieurs mots sans rapport entre eux est facile à retenir et difficile à deviner.
      </p>
      <LiveMessage error={error} status={busy ? 'Enregistrement…' : null} />
      <ErrorSummary key={submitted} errors={errors} labels={LABELS} />
      <form onSubmit={submit} noValidate>
        <Field label="Mot de passe actuel (provisoire)" type="password" autoComplete="current-password" {...bind('currentPassword')} />
        <Field
          label="Nouveau mot de passe"
          hint="Au moins 10 caractères, sans le nom de la commune ni le vôtre."
          type="password"
          autoComplete="new-password"
          {...bind('newPassword')}
        />
        <Field label="Confirmation du nouveau mot de passe" type="password" autoComplete="new-password" {...bind('confirm')} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            Enregistrer le mot de passe
          </button>
          <button type="button" className="link" onClick={() => void logout()}>
            Se déconnecter
          </button>
        </div>
      </form>
    </main>
  );
}
