import { Replayer } from 'rrweb';
import 'rrweb/dist/style.css';
import { ASSISTANCE_HUB_ROUTES } from '../../../../shared/assistance/hub-routes.js';
import type { AgentMessage, HubToAgent, InputEvent } from '../../../../shared/assistance/protocol.js';

/**
 * The agent's end of a session: the console's WebSocket to the hub (same
 * origin, the staff cookie goes with it) and rrweb's Replayer in live mode.
 * The agent's clicks on the replayed page are mapped to rrweb's node ids and
 * sent as inputs; the PC applies them only while the secretary gives the hand.
 */
export interface LiveSession {
  send(message: AgentMessage): void;
  input(input: InputEvent): number;
  /** Node id of the replayed element under a click (rrweb's mirror: the same ids as on the PC). */
  nodeIdOf(target: EventTarget | null): number | null;
  setInteractive(on: boolean): void;
  close(): void;
}

export function openLiveSession(
  root: HTMLElement,
  onMessage: (m: HubToAgent) => void,
  onClick: (target: EventTarget | null) => void,
): LiveSession {
  const url = new URL(ASSISTANCE_HUB_ROUTES.assistanceAgentSocket.path, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(url);
  let replayer: Replayer | null = null;
  let interactive = false;
  let seq = 0;
  const pending: string[] = [];

  // One handler: addEventListener ignores a second registration of it, and a rebuilt document (doc.open) gets it again.
  const handleClick = (e: MouseEvent) => {
    e.preventDefault();
    e.stopPropagation();
    if (interactive) onClick(e.target);
  };
  const attachClicks = () => replayer?.iframe.contentDocument?.addEventListener('click', handleClick, true);

  function play(json: string) {
    const events = JSON.parse(json) as { timestamp: number }[];
    if (events.length === 0) return;
    if (!replayer) {
      replayer = new Replayer([], { root, liveMode: true, mouseTail: false, showWarning: false, triggerFocus: false });
      replayer.iframe.title = 'Écran de Guichet à la mairie (données personnelles masquées)';
      replayer.startLive(events[0].timestamp);
      replayer.on('fullsnapshot-rebuilded', attachClicks);
      if (interactive) replayer.enableInteract();
      else replayer.disableInteract();
    }
    for (const e of events) replayer.addEvent(e as Parameters<Replayer['addEvent']>[0]);
    attachClicks();
  }

  ws.addEventListener('open', () => {
    for (const p of pending.splice(0)) ws.send(p);
  });
  ws.addEventListener('message', (e) => {
    const m = JSON.parse(String(e.data)) as HubToAgent;
    if (m.t === 'frames') play(m.json);
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
    nodeIdOf(target) {
      if (!replayer || !target) return null;
      const id = replayer.getMirror().getId(target as Node);
      return id > 0 ? id : null;
    },
    setInteractive(on) {
      interactive = on;
      if (on) replayer?.enableInteract();
      else replayer?.disableInteract();
    },
    close() {
      ws.close();
      replayer?.destroy();
    },
  };
}
