import { useEffect, useState } from 'react';
import { SCORE_LABELS } from '../../../shared/accounts/password-labels.js';
import type { PasswordContext, PasswordVerdict } from '../../../shared/accounts/password-policy.js';

type Policy = typeof import('../../../shared/accounts/password-policy.js');

// The estimator's dictionaries are large: loaded on first use, never in the first paint.
let policy: Promise<Policy> | undefined;
export function loadPasswordPolicy(): Promise<Policy> {
  policy ??= import('../../../shared/accounts/password-policy.js');
  return policy;
}

/** The shared rule's verdict on `password`, recomputed as it changes (null while the rule loads or when empty). */
export function usePasswordVerdict(password: string, context: PasswordContext): PasswordVerdict | null {
  const [verdict, setVerdict] = useState<PasswordVerdict | null>(null);
  const { username, displayName, collectiviteName } = context;
  useEffect(() => {
    if (password === '') {
      setVerdict(null);
      return;
    }
    let live = true;
    void loadPasswordPolicy().then((p) => {
      if (live) setVerdict(p.checkPassword(password, { username, displayName, collectiviteName }));
    });
    return () => {
      live = false;
    };
  }, [password, username, displayName, collectiviteName]);
  return verdict;
}

/**
 * The live strength meter under a new password: the same rule the hub applies, so its
 * French reason is the refusal the hub would give. Read politely by screen readers.
 */
export function PasswordStrength({ id, verdict }: { id: string; verdict: PasswordVerdict | null }) {
  return (
    <div id={id} className="password-strength" aria-live="polite">
      {verdict ? (
        <>
          <meter min={0} max={4} low={2} high={3} optimum={4} value={verdict.score} aria-label="Force du mot de passe" />
          <p>
            Force : <strong>{SCORE_LABELS[verdict.score]}</strong>
            {verdict.ok ? ' — accepté.' : null}
          </p>
          {verdict.reason ? <p className="hint">{verdict.reason}</p> : null}
        </>
      ) : null}
    </div>
  );
}
