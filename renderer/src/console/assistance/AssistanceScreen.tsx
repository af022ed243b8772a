import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import {
  type Consent,
  FORWARDED_KEYS,
  isTypedCharacter,
  type Diagnostic,
  END_REASON_LABELS,
  type EndReason,
  type HubToAgent,
  normalizeCode,
} from '../../../../shared/assistance/protocol.js';
import { type LiveSession, openLiveSession } from './live-session.js';
import './assistance.css';

interface ChatLine {
  from: 'agent' | 'pc';
  text: string;
}

type Phase = 'code' | 'joining' | 'waiting' | 'live' | 'ended';

/** The agent's screen: type the town hall's code, watch Guichet live (masked), ask for the hand, chat, ask for the diagnostic. */
export function AssistanceScreen() {
  const [phase, setPhase] = useState<Phase>('code');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [where, setWhere] = useState<{ collectivite: string; device: string } | null>(null);
  const [consent, setConsent] = useState<Consent>({ view: false, control: false });
  const [chat, setChat] = useState<ChatLine[]>([]);
  const [message, setMessage] = useState('');
  const [diagnostic, setDiagnostic] = useState<Diagnostic | null>(null);
  const [ended, setEnded] = useState<EndReason | null>(null);
  const [target, setTarget] = useState<number | null>(null);
  const [text, setText] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const screen = useRef<HTMLDivElement>(null);
  const view = useRef<HTMLElement>(null);
  const live = useRef<LiveSession | null>(null);
  const id = useId();

  useEffect(() => () => live.current?.close(), []);
  useEffect(() => live.current?.setInteractive(consent.control), [consent.control]);

  function onMessage(m: HubToAgent) {
    switch (m.t) {
      case 'joined':
        setWhere({ collectivite: m.session.collectivite, device: m.session.device });
        setPhase('waiting');
        return;
      case 'consent':
        setConsent(m.consent);
        if (m.consent.view) setPhase('live');
        return;
      case 'chat':
        setChat((c) => [...c, { from: 'pc', text: m.text }]);
        return;
      case 'diagnostic':
        setDiagnostic(m.bundle);
        return;
      case 'applied':
        setNotice(m.ok ? null : (m.refusal ?? 'Action refusée par le poste.'));
        return;
      case 'error':
        setError(m.message);
        setPhase((p) => (p === 'joining' ? 'code' : p));
        return;
      case 'ended':
        setEnded((e) => e ?? m.reason);
        setPhase('ended');
        setConsent({ view: false, control: false });
        return;
    }
  }

  const onClick = (nodeId: number) => {
    setTarget(nodeId);
    live.current?.input({ kind: 'click', id: nodeId });
    // The keyboard follows the click: key presses on the view go to the field just clicked on the PC.
    view.current?.focus({ preventScroll: true });
  };

  /** The agent's key presses on the view, sent one by one while the hand is given (the PC applies or refuses each). */
  const onKey = (e: KeyboardEvent<HTMLElement>) => {
    if (!consent.control || e.metaKey || (e.ctrlKey && !e.altKey)) return; // shortcuts stay the console's (AltGr types)
    if (e.key === 'Tab') return; // leaves the view: the console's keyboard navigation is never trapped
    if (!isTypedCharacter(e.key) && !FORWARDED_KEYS.has(e.key)) return;
    e.preventDefault();
    live.current?.input({ kind: 'key', id: target, key: e.key });
  };

  const join = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const typed = normalizeCode(code);
    if (!/^\d{6}$/.test(typed)) return setError('Le code comporte 6 chiffres.');
    live.current?.close();
    if (!screen.current) return;
    live.current = openLiveSession(screen.current, onMessage, onClick);
    live.current.send({ t: 'join', code: typed });
    setPhase('joining');
  };

  const sendText = (e: FormEvent) => {
    e.preventDefault();
    if (target === null) return setNotice("Cliquez d'abord sur un champ dans l'écran de la mairie.");
    live.current?.input({ kind: 'text', id: target, value: text });
  };

  const sendChat = (e: FormEvent) => {
    e.preventDefault();
    if (!message.trim()) return;
    live.current?.send({ t: 'chat', text: message.trim() });
    setChat((c) => [...c, { from: 'agent', text: message.trim() }]);
    setMessage('');
  };

  return (
    <main id="contenu" tabIndex={-1} className="assist-agent">
      <h1>Assistance à distance</h1>
      {error ? (
        <p role="alert" className="alert alert-error">
          {error}
        </p>
      ) : null}
      {phase === 'code' || phase === 'joining' ? (
        <form onSubmit={join} className="assist-join">
          <label htmlFor={`${id}-code`}>Code donné par la mairie</label>
          <input
            id={`${id}-code`}
            inputMode="numeric"
            autoComplete="off"
            maxLength={9}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            aria-describedby={`${id}-hint`}
          />
          <p id={`${id}-hint`} className="muted small">
            6 chiffres, à usage unique, valable 10 minutes. La mairie voit votre nom et accepte ou refuse.
          </p>
          <button type="submit" className="primary" disabled={phase === 'joining'}>
            Rejoindre
          </button>
        </form>
      ) : null}
      {where ? (
        <p>
          {where.collectivite} — poste « {where.device} »{phase === 'waiting' ? ' : en attente de l’accord de la mairie…' : ''}
          {consent.control ? ' — vous avez la main.' : ''}
        </p>
      ) : null}
      {phase === 'ended' ? <p role="status">Session {ended ? END_REASON_LABELS[ended] : 'terminée'}.</p> : null}
      {phase === 'live' ? (
        <div className="assist-tools">
          {consent.control ? null : (
            <button type="button" onClick={() => live.current?.send({ t: 'ask-control' })}>
              Prendre la main
            </button>
          )}
          <button type="button" onClick={() => live.current?.send({ t: 'ask-diagnostic' })}>
            Demander le diagnostic
          </button>
          <button type="button" className="danger" onClick={() => live.current?.send({ t: 'end' })}>
            Terminer la session
          </button>
        </div>
      ) : null}
      {consent.control ? (
        <form onSubmit={sendText} className="assist-type">
          <label htmlFor={`${id}-text`}>Texte à saisir dans le champ choisi</label>
          <input id={`${id}-text`} value={text} maxLength={1000} onChange={(e) => setText(e.target.value)} autoComplete="off" />
          <button type="submit">Saisir</button>
          <button type="button" onClick={() => target !== null && live.current?.input({ kind: 'key', id: target, key: 'Enter' })}>
            Entrée
          </button>
        </form>
      ) : null}
      {notice ? (
        <p role="status" className="alert">
          {notice}
        </p>
      ) : null}
      {consent.control ? (
        <p id={`${id}-keys`} className="muted small">
          Cliquez dans la vue pour taper : vos touches vont au champ choisi sur le poste de la mairie (Tab sort de la vue).
        </p>
      ) : null}
      <section
        ref={view}
        aria-label="Écran de Guichet à la mairie (données personnelles masquées)"
        aria-describedby={consent.control ? `${id}-keys` : undefined}
        className="assist-screen"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the view takes the agent's keyboard (and scrolls)
        tabIndex={0}
        onKeyDown={onKey}
      >
        <div ref={screen} />
      </section>
      {phase === 'live' || phase === 'waiting' ? (
        <section aria-labelledby={`${id}-chat`} className="assist-chat">
          <h2 id={`${id}-chat`}>Messages</h2>
          <ol aria-live="polite">
            {chat.map((line, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: an append-only log
              <li key={i}>
                <span className="muted">{line.from === 'agent' ? 'Vous' : 'Mairie'} : </span>
                {line.text}
              </li>
            ))}
          </ol>
          <form onSubmit={sendChat}>
            <label htmlFor={`${id}-msg`}>Votre message</label>
            <input id={`${id}-msg`} value={message} maxLength={2000} onChange={(e) => setMessage(e.target.value)} autoComplete="off" />
            <button type="submit">Envoyer</button>
          </form>
        </section>
      ) : null}
      {diagnostic ? (
        <section aria-labelledby={`${id}-diag`}>
          <h2 id={`${id}-diag`}>Diagnostic du poste</h2>
          <pre className="assist-diagnostic">{JSON.stringify(diagnostic, null, 2)}</pre>
        </section>
      ) : null}
    </main>
  );
}
