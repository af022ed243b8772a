import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { AGENT_ORGANISATION, END_REASON_LABELS } from '../../../shared/assistance/protocol.js';
import { formatDateTime } from '../ui/format.js';
import { useSession } from '../session/store.js';
import { useAssistance } from './store.js';
import './assistance.css';

function groupedCode(code: string): string {
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}

/** « L'assistance du département a la main — Reprendre »: one click or Échap (a real key press, never the agent's) takes it back. */
function ControlBanner() {
  const run = useAssistance((s) => s.run);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && e.isTrusted) {
        e.preventDefault();
        e.stopPropagation();
        void run('assistance:take-back');
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [run]);
  return (
    <div className="assist-banner" role="alert" data-assistance-ui>
      <span>L'assistance du département a la main</span>
      <button type="button" className="primary" onClick={() => void run('assistance:take-back')}>
        Reprendre (Échap)
      </button>
    </div>
  );
}

function Chat() {
  const { state, chat } = useAssistance();
  const [text, setText] = useState('');
  const id = useId();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (text.trim() && (await chat(text.trim()))) setText('');
  };
  return (
    <section aria-labelledby={`${id}-t`} className="assist-chat">
      <h3 id={`${id}-t`}>Messages</h3>
      <ol aria-live="polite">
        {state.chat.map((line) => (
          <li key={`${line.at}-${line.from}-${line.text.slice(0, 20)}`} className={line.from === 'agent' ? 'from-agent' : 'from-pc'}>
            <span className="muted">{line.from === 'agent' ? (state.agent?.name ?? 'Agent') : 'Vous'} : </span>
            {line.text}
          </li>
        ))}
      </ol>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor={`${id}-m`}>Votre message</label>
        <input id={`${id}-m`} value={text} maxLength={2000} onChange={(e) => setText(e.target.value)} autoComplete="off" />
        <button type="submit">Envoyer</button>
      </form>
    </section>
  );
}

function Panel() {
  const { state, busy, error, run, dismiss } = useAssistance();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (state.status === 'joined' || state.status === 'waiting') heading.current?.focus();
  }, [state.status]);
  const agent = state.agent ? `${state.agent.name} — ${AGENT_ORGANISATION}` : AGENT_ORGANISATION;
  return (
    <aside className="assist-panel" aria-labelledby="assist-title" data-assistance-ui>
      <h2 id="assist-title" ref={heading} tabIndex={-1}>
        Assistance à distance
      </h2>
      {error ? (
        <p role="alert" className="alert alert-error">
          {error}
        </p>
      ) : null}
      {state.status === 'connecting' ? <p role="status">Connexion au hub du département…</p> : null}
      {state.status === 'waiting' && state.code ? (
        <>
          <p>Lisez ce code à l'agent du département, au téléphone :</p>
          <p className="assist-code">
            <span className="visually-hidden">Code : </span>
            {groupedCode(state.code)}
          </p>
          <p className="muted small">Valable une seule fois, jusqu'à {formatDateTime(state.codeExpiresAt).split(' ').at(-1)}.</p>
          <button type="button" onClick={() => void run('assistance:end')} disabled={busy}>
            Annuler la demande
          </button>
        </>
      ) : null}
      {state.status === 'joined' ? (
        <>
          <p role="alert">
            <strong>{agent}</strong> a rejoint votre demande et souhaite voir Guichet sur ce poste.
          </p>
          <p className="muted small">
            Seule la fenêtre de Guichet est montrée, pas le reste de l'ordinateur. Les noms, dates de naissance et adresses des électeurs
            sont masqués, comme tout ce qui est saisi dans les champs.
          </p>
          <div className="actions">
            <button type="button" className="primary" onClick={() => void run('assistance:accept')} disabled={busy}>
              Accepter
            </button>
            <button type="button" onClick={() => void run('assistance:refuse')} disabled={busy}>
              Refuser
            </button>
          </div>
        </>
      ) : null}
      {state.status === 'active' ? (
        <>
          <p>
            <strong>{agent}</strong> voit Guichet{state.consent.control ? ' et a la main' : ''}.
          </p>
          {state.controlAsked ? (
            <div className="assist-ask" role="alert">
              <p>L'agent demande à prendre la main : son pointeur et son clavier agiront dans Guichet (jamais hors de Guichet).</p>
              <div className="actions">
                <button type="button" className="primary" onClick={() => void run('assistance:grant-control')} disabled={busy}>
                  Donner la main
                </button>
                <button type="button" onClick={() => void run('assistance:take-back')} disabled={busy}>
                  Refuser
                </button>
              </div>
            </div>
          ) : null}
          {state.diagnosticAsked ? (
            <div className="assist-ask" role="alert">
              <p>L'agent demande le diagnostic du poste (versions, synchronisation, dernières erreurs ; aucune donnée personnelle).</p>
              <button type="button" className="primary" onClick={() => void run('assistance:send-diagnostic')} disabled={busy}>
                Envoyer le diagnostic
              </button>
            </div>
          ) : null}
          <Chat />
          <button type="button" className="danger" onClick={() => void run('assistance:end')} disabled={busy}>
            Terminer l'assistance
          </button>
        </>
      ) : null}
      {state.status === 'ended' ? (
        <>
          <p role="status">Session d'assistance {state.endReason ? END_REASON_LABELS[state.endReason] : 'terminée'}.</p>
          <button type="button" onClick={dismiss}>
            Fermer
          </button>
        </>
      ) : null}
    </aside>
  );
}

/** « Demander de l'aide », on every screen of the app (when the collectivité opted into the service), and the session it opens. */
export function AssistanceDock() {
  const services = useSession((s) => s.session?.commune?.services);
  const { state, busy, error, start, run } = useAssistance();
  useEffect(() => start(), [start]);
  if (!services?.includes('assistance')) return null;
  return (
    <>
      {state.consent.control ? <ControlBanner /> : null}
      {state.status === 'idle' ? (
        <div className="assist-ask-help" data-assistance-ui>
          <button type="button" onClick={() => void run('assistance:request')} disabled={busy}>
            Demander de l'aide
          </button>
          {error ? (
            <span role="alert" className="alert-inline">
              {error}
            </span>
          ) : null}
        </div>
      ) : (
        <Panel />
      )}
    </>
  );
}
