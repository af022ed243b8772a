import type { FormEvent } from 'react';
import { collectiviteCode, INSEE_PATTERN, SIREN_PATTERN } from '../../../shared/accounts/collectivites.js';
import { loginInputSchema } from '../../../shared/accounts/ipc.js';
import { ErrorSummary, Field, LiveMessage } from '../ui/Field.js';
import { useForm } from '../ui/useForm.js';
import { fieldErrors } from '../ui/validate.js';
import { HUB_URL_INVALID, useSession } from './store.js';

type Values = { hubUrl: string; insee: string; username: string; password: string; deviceName: string };

const LABELS: Record<string, string> = {
  hubUrl: 'Adresse du serveur',
  insee: 'Code INSEE ou SIREN',
  username: 'Identifiant',
  password: 'Mot de passe',
  deviceName: 'Nom de ce poste',
};

export function validateLogin(v: Values): Record<string, string> {
  const checked = fieldErrors(loginInputSchema, v);
  const errors: Record<string, string> = checked.ok ? {} : { ...checked.errors };
  if (errors.hubUrl) errors.hubUrl = HUB_URL_INVALID;
  const code = v.insee.trim().toUpperCase();
  if (!errors.insee && !INSEE_PATTERN.test(code) && !SIREN_PATTERN.test(code))
    errors.insee =
      "Indiquez le code INSEE de la commune (5 caractères, par exemple 10387) ou le SIREN de l'intercommunalité ou du syndicat (9 chiffres).";
  return errors;
}

export function LoginScreen({ onEnroll }: { onEnroll(): void }) {
  const { session, busy, error, login } = useSession();
  const {
    values: v,
    errors,
    submitted,
    bind,
    report,
  } = useForm<Values>({
    hubUrl: session?.hubUrl ?? '',
    insee: session?.commune ? collectiviteCode(session.commune) : '',
    username: '',
    password: '',
    deviceName: session?.deviceName ?? '',
  });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!report(validateLogin(v))) return;
    await login({ ...v, insee: v.insee.trim() });
  }

  return (
    <main id="contenu" className="narrow" tabIndex={-1}>
      <h1>Connexion</h1>
      <LiveMessage error={error} status={busy ? 'Connexion en cours…' : null} />
      <ErrorSummary key={submitted} errors={errors} labels={LABELS} />
      <form onSubmit={submit} noValidate>
        <Field label="Adresse du serveur départemental" type="url" autoComplete="url" {...bind('hubUrl')} />
        <Field
          label="Code INSEE de la commune, ou SIREN du groupement"
          hint="Commune : 5 caractères, par exemple 10387 pour Troyes. Intercommunalité ou syndicat : SIREN à 9 chiffres."
          inputMode="numeric"
          autoComplete="off"
          {...bind('insee')}
        />
        <Field label="Identifiant" autoComplete="username" {...bind('username')} />
        <Field label="Mot de passe" type="password" autoComplete="current-password" {...bind('password')} />
        <Field label="Nom de ce poste" hint="Pour le reconnaître dans la liste des postes." {...bind('deviceName')} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            Se connecter
          </button>
          <button type="button" className="link" onClick={onEnroll}>
            Première installation avec un code d'inscription
          </button>
        </div>
      </form>
    </main>
  );
}
