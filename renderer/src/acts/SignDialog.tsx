import { useEffect, useId, useRef, useState, type FormEvent } from 'react';

/**
 * Asks the certificate's password at signing time. Modal: focus on the
 * password, Tab stays inside, Escape cancels. The password lives only in this
 * dialog's state and goes away with it.
 */
export function SignDialog({ holder, busy, error, onSign, onCancel }: { holder: string; busy: boolean; error: string | null; onSign(password: string): void; onCancel(): void }) {
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState(false);
  const titleId = useId();
  const box = useRef<HTMLFormElement>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    input.current?.focus();
    return () => before?.focus?.();
  }, []);
  // A wrong password: empty the field and let her type again.
  useEffect(() => {
    if (error) {
      setPassword('');
      input.current?.focus();
    }
  }, [error]);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!password) {
      setMissing(true);
      input.current?.focus();
      return;
    }
    setMissing(false);
    onSign(password);
  }

  function onKeyDown(e: React.KeyboardEvent) {
    if (e.key === 'Escape') {
      e.preventDefault();
      onCancel();
    } else if (e.key === 'Tab') {
      const items = box.current?.querySelectorAll<HTMLElement>('input, button:not([disabled])');
      if (!items || items.length === 0) return;
      const first = items[0];
      const last = items[items.length - 1];
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  }

  const message = missing ? 'Saisissez le mot de passe du certificat pour signer.' : error;
  return (
    <div className="overlay">
      <form className="dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} ref={box} onKeyDown={onKeyDown} onSubmit={submit} noValidate>
        <h2 id={titleId}>Signer l'acte</h2>
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
        <div className="actions">
          <button type="button" onClick={onCancel} disabled={busy}>
            Annuler
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Signature en cours…' : 'Signer'}
          </button>
        </div>
      </form>
    </div>
  );
}
