import { ASSISTANCE_HUB_ROUTES } from '../../../../shared/assistance/hub-routes.js';
import type { AgentMessage, HubToAgent, InputEvent } from '../../../../shared/assistance/protocol.js';
import type { FromReplay, ToReplay } from './replay-frame.js';

/**
 * The agent's end of a session: the console's WebSocket to the hub (same
 * origin, the staff cookie goes with it) and the replay, in its own framed page
 * (replay.html: the only page whose policy allows the inline styles rrweb
 * rebuilds). The agent's clicks on the replayed page come back as rrweb node
 * ids and are sent as inputs; the PC applies them only while the secretary
 * gives the hand.
 */
export interface LiveSession {
  send(message: AgentMessage): void;
  input(input: InputEvent): number;
  setInteractive(on: boolean): void;
  close(): void;
}

export const REPLAY_TITLE = 'Écran de Guichet à la mairie (données personnelles masquées)';

export function openLiveSession(root: HTMLElement, onMessage: (m: HubToAgent) => void, onClick: (nodeId: number) => void): LiveSession {
  const url = new URL(ASSISTANCE_HUB_ROUTES.assistanceAgentSocket.path, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(url);
  let seq = 0;
  const pending: string[] = [];

  const frame = document.createElement('iframe');
  frame.src = new URL('replay.html', window.location.href).pathname;
  frame.title = REPLAY_TITLE;
  frame.className = 'assist-replay';
  root.replaceChildren(frame);
  let ready = false;
  let interactive = false;
  const toFrame: ToReplay[] = [];
  const post = (m: ToReplay) => {
    if (ready) frame.contentWindow?.postMessage(m, window.location.origin);
    else toFrame.push(m);
  };
  const fromFrame = (e: MessageEvent<FromReplay>) => {
    if (e.origin !== window.location.origin || e.source !== frame.contentWindow) return;
    if (e.data.t === 'ready') {
      ready = true;
      post({ t: 'interactive', on: interactive });
      for (const m of toFrame.splice(0)) post(m);
    } else if (e.data.t === 'click' && interactive) onClick(e.data.id);
  };
  window.addEventListener('message', fromFrame);

  ws.addEventListener('open', () => {
    for (const p of pending.splice(0)) ws.send(p);
  });
  ws.addEventListener('message', (e) => {
    const m = JSON.parse(String(e.data)) as HubToAgent;
    if (m.t === 'frames') post({ t: 'frames', json: m.json });
    onMessage(m);
  });
  ws.addEventListener('close', () => onMessage({ t: 'ended', reason: 'disconnected' }));

  const send = (m: AgentMessage) => {
    const text = JSON.stringify(m);
    if (ws.readyState === WebSocket.OPEN) ws.send(text);
    else pending.push(text);
  };
  return {
    send,
    input(input) {
      seq += 1;
      send({ t: 'input', seq, input });
      return seq;
    },
    setInteractive(on) {
      interactive = on;
      post({ t: 'interactive', on });
    },
    close() {
      ws.close();
      window.removeEventListener('message', fromFrame);
      frame.remove();
    },
  };
}
