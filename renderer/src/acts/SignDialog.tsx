import { useEffect, useRef, useState } from 'react';
import { Dialog } from '../ui/Dialog.js';

/**
 * Asks the certificate's password at signing time. Modal: focus on the
 * password, Tab stays inside, Escape cancels. The password lives only in this
 * dialog's state and goes away with it.
 */
export function SignDialog({
  holder,
  busy,
  error,
  onSign,
  onCancel,
}: {
  holder: string;
  busy: boolean;
  error: string | null;
  onSign(password: string): void;
  onCancel(): void;
}) {
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  // A wrong password: empty the field and let her type again.
  useEffect(() => {
    if (error) {
      setPassword('');
      input.current?.focus();
    }
  }, [error]);

  function submit() {
    if (!password) {
      setMissing(true);
      input.current?.focus();
      return;
    }
    setMissing(false);
    onSign(password);
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
