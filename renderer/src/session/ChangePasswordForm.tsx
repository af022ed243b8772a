import { useId, type FormEvent, type ReactNode } from 'react';
import { ErrorSummary, Field, LiveMessage } from '../ui/Field.js';
import { useForm } from '../ui/useForm.js';
import { PasswordStrength, usePasswordVerdict } from './PasswordStrength.js';
import { useSession } from './store.js';

type Values = { currentPassword: string; newPassword: string; confirm: string };

/** In the order of the form (the error summary follows it). */
const LABELS: Record<string, string> = {
  currentPassword: 'Mot de passe actuel',
  newPassword: 'Nouveau mot de passe',
  confirm: 'Confirmation',
};

/**
 * Change one's own password: current, new (with the live strength meter of the shared rule), confirmation.
 * Used after a temporary-password login and in « Mon compte ». The hub judges again and answers in French.
 */
export function ChangePasswordForm({
  currentLabel,
  onDone,
  extraActions,
}: {
  currentLabel: string;
  onDone?(): void;
  extraActions?: ReactNode;
}) {
  const { session, busy, error, changePassword } = useSession();
  const form = useForm<Values>({ currentPassword: '', newPassword: '', confirm: '' });
  const { values: v, errors, submitted, bind, report } = form;
  const verdict = usePasswordVerdict(v.newPassword, {
    username: session?.user?.username,
    displayName: session?.user?.displayName,
    collectiviteName: session?.commune?.name,
  });
  const meterId = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!v.currentPassword) found.currentPassword = 'Saisissez votre mot de passe actuel.';
    if (v.newPassword.length < 10) found.newPassword = 'Le mot de passe doit faire au moins 10 caractères.';
    else if (verdict && !verdict.ok && verdict.reason) found.newPassword = verdict.reason;
    else if (v.confirm !== v.newPassword) found.confirm = 'Les deux mots de passe ne sont pas identiques.';
    if (!report(found)) return;
    if (await changePassword({ currentPassword: v.currentPassword, newPassword: v.newPassword })) {
      form.setValues({ currentPassword: '', newPassword: '', confirm: '' });
      onDone?.();
    }
  }

  return (
    <>
      <LiveMessage error={error} status={busy ? 'Enregistrement…' : null} />
      <ErrorSummary key={submitted} errors={errors} labels={LABELS} />
      <form onSubmit={submit} noValidate className="narrow-form">
        <Field label={currentLabel} type="password" autoComplete="current-password" {...bind('currentPassword')} />
        <Field
          label="Nouveau mot de passe"
          hint="Au moins 10 caractères, sans le nom de la commune ni le vôtre. Une phrase de plusieurs mots sans rapport entre eux est facile à retenir et difficile à deviner."
          type="password"
          autoComplete="new-password"
          aria-details={meterId}
          {...bind('newPassword')}
        />
        <PasswordStrength id={meterId} verdict={verdict} />
        <Field label="Confirmation du nouveau mot de passe" type="password" autoComplete="new-password" {...bind('confirm')} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            Enregistrer le mot de passe
          </button>
          {extraActions}
        </div>
      </form>
    </>
  );
}
