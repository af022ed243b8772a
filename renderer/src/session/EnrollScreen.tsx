import type { FormEvent } from 'react';
import { enrollInputSchema } from '../../../shared/accounts/ipc.js';
import { ErrorSummary, Field, LiveMessage } from '../ui/Field.js';
import { useForm } from '../ui/useForm.js';
import { fieldErrors } from '../ui/validate.js';
import { HUB_URL_INVALID, useSession } from './store.js';

type Values = {
  hubUrl: string;
  code: string;
  username: string;
  displayName: string;
  password: string;
  password2: string;
  deviceName: string;
};

/** Validation of the enrollment form: the shared schema plus the "typed twice" check. */
const LABELS: Record<string, string> = {
  hubUrl: 'Adresse du serveur',
  code: "Code d'inscription",
  username: 'Identifiant',
  displayName: 'Nom et prénom',
  password: 'Mot de passe',
  password2: 'Mot de passe (à nouveau)',
  deviceName: 'Nom de ce poste',
};

export function validateEnroll(v: Values): Record<string, string> {
  const checked = fieldErrors(enrollInputSchema, v);
  const errors: Record<string, string> = checked.ok ? {} : { ...checked.errors };
  if (errors.hubUrl) errors.hubUrl = HUB_URL_INVALID;
  if (!errors.password && v.password !== v.password2) errors.password2 = 'Les deux mots de passe ne sont pas identiques.';
  return errors;
}

/** First start on a PC: the mayor (or a secretary) uses the code printed in the letter from the département. */
export function EnrollScreen({ onLogin }: { onLogin(): void }) {
  const { session, busy, error, enroll } = useSession();
  const {
    values: v,
    errors,
    submitted,
    bind,
    report,
  } = useForm<Values>({
    hubUrl: session?.hubUrl ?? '',
    code: '',
    username: '',
    displayName: '',
    password: '',
    password2: '',
    deviceName: session?.deviceName ?? '',
  });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!report(validateEnroll(v))) return;
    const { password2: _twice, ...input } = v;
    await enroll(input);
  }

  return (
    <main id="contenu" className="narrow" tabIndex={-1}>
      <h1>Première connexion de ce poste</h1>
      <p>
        Saisissez le code reçu dans le courrier adressé au maire (ou au président de l'intercommunalité ou du syndicat). Ce poste sera
        ensuite relié à votre collectivité et vous pourrez travailler même sans internet.
      </p>
      <ErrorSummary key={submitted} errors={errors} labels={LABELS} />
      <LiveMessage error={error} status={busy ? 'Inscription du poste en cours…' : null} />
      <form onSubmit={submit} noValidate>
        <fieldset>
          <legend>Votre collectivité</legend>
          <Field
            label="Adresse du serveur départemental"
            hint="Elle figure dans le courrier, par exemple https://guichet.aube.fr"
            type="url"
            autoComplete="url"
            {...bind('hubUrl')}
          />
          <Field
            label="Code d'inscription"
            hint="Le code du courrier, tel qu'il est écrit."
            autoComplete="off"
            spellCheck={false}
            {...bind('code')}
          />
        </fieldset>
        <fieldset>
          <legend>Votre compte</legend>
          <Field
            label="Identifiant"
            hint="Lettres sans accent, chiffres, point ou tiret. Par exemple : m.dupont"
            autoComplete="username"
            {...bind('username')}
          />
          <Field label="Nom et prénom" autoComplete="name" {...bind('displayName')} />
          <Field label="Mot de passe" hint="Au moins 10 caractères." type="password" autoComplete="new-password" {...bind('password')} />
          <Field label="Mot de passe (à nouveau)" type="password" autoComplete="new-password" {...bind('password2')} />
        </fieldset>
        <fieldset>
          <legend>Ce poste</legend>
          <Field
            label="Nom de ce poste"
            hint="Pour le reconnaître dans la liste des postes, par exemple : Accueil mairie"
            {...bind('deviceName')}
          />
        </fieldset>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            Inscrire ce poste
          </button>
          <button type="button" className="link" onClick={onLogin}>
            Ce poste a déjà un compte ? Se connecter
          </button>
        </div>
      </form>
    </main>
  );
}
