import { type FormEvent, useEffect, useState } from 'react';
import type { ConsoleLoginResponse, StaffInfo } from '../../../../shared/console/staff.js';
import { Field } from '../../ui/Field.js';
import { consoleApi, errorMessage } from '../api.js';

type Step = { kind: 'password' } | { kind: 'code' } | { kind: 'enrol'; secret: string; qrSvg: string };

/** Sign-in: login and password, then the six-digit code (the first time: scan the QR code, then the code). */
export function LoginScreen({ onSignedIn }: { onSignedIn(staff: StaffInfo): void }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = 'Connexion — Console du département';
    if (step.kind !== 'password') document.getElementById('console-code')?.focus();
  }, [step.kind]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await consoleApi<ConsoleLoginResponse>('POST', 'session', {
        login: login.trim(),
        password,
        ...(step.kind === 'password' ? {} : { code: code.trim() }),
      });
      if (answer.status === 'signed_in') onSignedIn(answer.staff);
      else if (answer.status === 'totp_required') setStep({ kind: 'code' });
      else setStep({ kind: 'enrol', secret: answer.secret, qrSvg: answer.qrSvg });
    } catch (err) {
      setError(errorMessage(err));
      setCode('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="contenu" className="narrow console-login">
      <h1>Console du département</h1>
      <p className="muted">Réservée aux agents du département. Chaque action est inscrite au journal.</p>
      {error ? (
        <div className="alert alert-error" role="alert">
          <p>{error}</p>
        </div>
      ) : null}
      <form onSubmit={(e) => void submit(e)} className="narrow-form">
        <Field label="Identifiant" autoComplete="username" value={login} onChange={(e) => setLogin(e.target.value)} required />
        <Field
          label="Mot de passe"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        {step.kind === 'enrol' ? (
          <section aria-labelledby="enrol-title" className="enrol">
            <h2 id="enrol-title">Enregistrer le second facteur</h2>
            <p>
              Scannez ce QR code avec l’application d’authentification de votre téléphone (FreeOTP, Google Authenticator…), puis saisissez
              le code à six chiffres qu’elle affiche.
            </p>
            <img
              src={`data:image/svg+xml;utf8,${encodeURIComponent(step.qrSvg)}`}
              alt="QR code du second facteur"
              width={200}
              height={200}
            />
            <p className="small">
              Sans appareil photo, saisissez la clé : <code className="secret">{step.secret}</code>
            </p>
          </section>
        ) : null}
        {step.kind !== 'password' ? (
          <Field
            id="console-code"
            label="Code à usage unique"
            hint="Six chiffres, affichés par votre application d’authentification."
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            maxLength={6}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            required
          />
        ) : null}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {step.kind === 'password' ? 'Continuer' : 'Se connecter'}
          </button>
        </div>
      </form>
    </main>
  );
}
