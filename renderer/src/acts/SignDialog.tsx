import { useEffect, useRef, useState } from 'react';
import type { CertificateChecks } from '../../../shared/acts/ipc.js';
import { NO_SIREN_CONFIRMATION } from '../../../shared/acts/signer-certificate.js';
import { Dialog } from '../ui/Dialog.js';

/**
 * Asks the certificate's password at signing time. Modal: focus on the
 * password, Tab stays inside, Escape cancels. The password lives only in this
 * dialog's state and goes away with it.
 */
export function SignDialog({
  holder,
  checks,
  busy,
  error,
  onSign,
  onCancel,
}: {
  holder: string;
  checks?: CertificateChecks;
  busy: boolean;
  error: string | null;
  onSign(password: string, confirmNoSiren: boolean): void;
  onCancel(): void;
}) {
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState(false);
  const askConfirmation = checks?.collectivite.verdict === 'no_siren';
  const [confirmed, setConfirmed] = useState(false);
  const [unconfirmed, setUnconfirmed] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  // A wrong password: empty the field and let her type again.
  useEffect(() => {
    if (error) {
      setPassword('');
      input.current?.focus();
    }
  }, [error]);

  function submit() {
    if (askConfirmation && !confirmed) {
      setUnconfirmed(true);
      return;
    }
    setUnconfirmed(false);
    if (!password) {
      setMissing(true);
      input.current?.focus();
      return;
    }
    setMissing(false);
    onSign(password, askConfirmation && confirmed);
  }

  const message = missing ? 'Saisissez le mot de passe du certificat pour signer.' : error;
  return (
    <Dialog
      title="Signer l'acte"
      submit
      initialFocus={input}
      busy={busy}
      confirmLabel={busy ? 'Signature en cours…' : 'Signer'}
      onConfirm={submit}
      onCancel={onCancel}
    >
      <p>L'acte sera signé avec le certificat de {holder}. Une fois signé, il ne peut plus être modifié.</p>
      {checks && !checks.trust.trusted && !checks.trust.problem ? (
        <p className="alert alert-warning">
          L’autorité de ce certificat n’est pas dans la liste de confiance du département : la signature sera dite « certificat non reconnu
          ».
        </p>
      ) : null}
      {askConfirmation ? (
        <div className={unconfirmed ? 'field field-error' : 'field'}>
          {unconfirmed ? (
            <p className="error-text" id="sign-siren-error" role="alert">
              Cochez la confirmation pour signer avec ce certificat.
            </p>
          ) : null}
          <label className="radio">
            <input
              type="checkbox"
              checked={confirmed}
              aria-invalid={unconfirmed ? true : undefined}
              aria-describedby={unconfirmed ? 'sign-siren-error sign-siren-detail' : 'sign-siren-detail'}
              onChange={(e) => setConfirmed(e.target.checked)}
            />{' '}
            Je confirme que ce certificat est celui de la collectivité
          </label>
          <p className="small" id="sign-siren-detail">
            {NO_SIREN_CONFIRMATION} Votre nom, l’heure, le titulaire et l’empreinte du certificat seront inscrits dans l’historique de
            l’acte.
          </p>
        </div>
      ) : null}
      <div className={message ? 'field field-error' : 'field'}>
        <label htmlFor="sign-password">Mot de passe du certificat</label>
        {message ? (
          <p className="error-text" id="sign-password-error" role="alert">
            {message}
          </p>
        ) : null}
        <input
          id="sign-password"
          ref={input}
          type="password"
          autoComplete="off"
          value={password}
          aria-invalid={message ? true : undefined}
          aria-describedby={message ? 'sign-password-error' : undefined}
          onChange={(e) => setPassword(e.target.value)}
        />
      </div>
    </Dialog>
  );
}
