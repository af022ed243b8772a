import { Replayer } from 'rrweb';
import 'rrweb/dist/style.css';
import './replay-frame.css';

/**
 * The replay, alone in its page (/console/replay.html, framed by the console): rrweb
 * rebuilds the PC's page with inline styles, which only this page's policy allows — the
 * console's pages keep `style-src 'self'`. The console page holds the WebSocket and
 * posts the frames here; this page answers the node id of each click (rrweb's mirror:
 * the same ids as on the PC). Messages only from and to the console's own origin.
 */
export type ToReplay = { t: 'frames'; json: string } | { t: 'interactive'; on: boolean };
export type FromReplay = { t: 'ready' } | { t: 'click'; id: number };

const root = document.getElementById('replay') as HTMLElement;
let replayer: Replayer | null = null;
let interactive = false;

const tell = (m: FromReplay) => window.parent.postMessage(m, window.location.origin);

// One handler: addEventListener ignores a second registration of it, and a rebuilt document (doc.open) gets it again.
const handleClick = (e: MouseEvent) => {
  e.preventDefault();
  e.stopPropagation();
  if (!interactive || !replayer || !e.target) return;
  const id = replayer.getMirror().getId(e.target as Node);
  if (id > 0) tell({ t: 'click', id });
};
const attachClicks = () => replayer?.iframe.contentDocument?.addEventListener('click', handleClick, true);

function play(json: string): void {
  const events = JSON.parse(json) as { timestamp: number }[];
  if (events.length === 0) return;
  if (!replayer) {
    replayer = new Replayer([], { root, liveMode: true, mouseTail: false, showWarning: false, triggerFocus: false });
    replayer.iframe.title = 'Page de Guichet rejouée';
    replayer.startLive(events[0].timestamp);
    replayer.on('fullsnapshot-rebuilded', attachClicks);
    if (interactive) replayer.enableInteract();
    else replayer.disableInteract();
  }
  for (const e of events) replayer.addEvent(e as Parameters<Replayer['addEvent']>[0]);
  attachClicks();
}

window.addEventListener('message', (e: MessageEvent<ToReplay>) => {
  if (e.origin !== window.location.origin || e.source !== window.parent) return;
  const m = e.data;
  if (m.t === 'frames') play(m.json);
  else if (m.t === 'interactive') {
    interactive = m.on;
    if (m.on) replayer?.enableInteract();
    else replayer?.disableInteract();
  }
});
tell({ t: 'ready' });
