import type { Channel, Envelope, EventName, GuichetBridge, GuichetEvents, InputOf, OutputOf } from '../../../shared/api/ipc.js';
import { GuichetError, isErrorBody } from '../../../shared/errors.js';
import { fromWire, toWire } from '../../../shared/api/wire.js';

/**
 * The renderer's only way out: typed `invoke` and `on` over the contract of
 * shared/api/ipc.ts. Two transports carry the same envelopes — the Electron
 * preload (`window.guichet`) and the local web host (HTTP + SSE) — and both
 * are unwrapped here so screens only see values or a GuichetError in French.
 */

/** What the transports give: results still wrapped in an Envelope. */
export interface RawBridge {
  invoke(channel: string, input: unknown): Promise<Envelope<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    guichet?: RawBridge;
  }
}

const SECRET_KEY = 'guichet-secret';

export function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope && envelope.ok === true) return envelope.value;
  if (envelope && envelope.ok === false && isErrorBody(envelope.error)) throw GuichetError.fromBody(envelope.error);
  throw new GuichetError('internal', 'Réponse inattendue du logiciel. Réessayez ; si cela se reproduit, contactez l’assistance.');
}

export function fromRaw(raw: RawBridge): GuichetBridge {
  return {
    async invoke<C extends Channel>(channel: C, input: InputOf<C>): Promise<OutputOf<C>> {
      return unwrap((await raw.invoke(channel, input)) as Envelope<OutputOf<C>>);
    },
    on<E extends EventName>(event: E, listener: (payload: GuichetEvents[E]) => void) {
      return raw.on(event, (p) => listener(p as GuichetEvents[E]));
    },
  };
}

/**
 * The web host gives a per-run secret in the URL fragment (never sent to the
 * server in a request line, never logged). Keep it for this tab only, and
 * take it out of the address bar so it is not copied or bookmarked.
 */
export function takeSecret(): string | null {
  const match = /(?:^#|&)secret=([^&]+)/.exec(window.location.hash);
  if (match) {
    const secret = decodeURIComponent(match[1]);
    window.sessionStorage.setItem(SECRET_KEY, secret);
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    return secret;
  }
  return window.sessionStorage.getItem(SECRET_KEY);
}

const UNREACHABLE = 'Le logiciel Guichet ne répond plus sur ce poste. Fermez cette page et relancez Guichet.';

/**
 * Whether the core behind the web host answers. A page left open after
 * Guichet stopped must say so (SyncBar), not keep showing the last « En ligne
 * / Tout est envoyé ». Set by the HTTP transport: a failed request or event
 * stream that the page's own origin no longer answers is « down »; any answer
 * or a reopened stream is « up ». Always up under Electron.
 */
export type CoreLink = 'up' | 'down';
let link: CoreLink = 'up';
const linkListeners = new Set<() => void>();
function setLink(next: CoreLink): void {
  if (next === link) return;
  link = next;
  for (const l of linkListeners) l();
}
export const coreLink = (): CoreLink => link;
export function onCoreLink(listener: () => void): () => void {
  linkListeners.add(listener);
  return () => linkListeners.delete(listener);
}

export function httpBridge(secret: string | null, base = ''): RawBridge {
  let source: EventSource | null = null;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  function ensureSource(): EventSource {
    if (!source) {
      source = new EventSource(`${base}/api/events?secret=${encodeURIComponent(secret ?? '')}`);
      source.addEventListener('open', () => setLink('up'));
      // The browser retries the stream by itself; a refusal (wrong secret) also ends here, so ask whether anyone answers at all.
      source.addEventListener('error', () => {
        fetch(`${base}/`, { method: 'HEAD' }).then(
          () => undefined,
          () => setLink('down'),
        );
      });
    }
    return source;
  }

  return {
    async invoke(channel, input) {
      let res: Response;
      try {
        res = await fetch(`${base}/api/invoke/${encodeURIComponent(channel)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-guichet-secret': secret ?? '' },
          body: JSON.stringify(toWire(input)),
        });
      } catch (e) {
        setLink('down');
        return { ok: false, error: { code: 'internal', message: UNREACHABLE, detail: String(e) } };
      }
      setLink('up');
      // The web host answers errors as envelopes too (401 with a French message, 413…).
      try {
        const body = fromWire(await res.json()) as Envelope<unknown>;
        if (body && typeof body === 'object' && 'ok' in body) return body;
      } catch {
        // not JSON: fall through
      }
      return { ok: false, error: { code: 'internal', message: UNREACHABLE, detail: `HTTP ${res.status}` } };
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        const fresh = new Set<(payload: unknown) => void>();
        listeners.set(event, fresh);
        ensureSource().addEventListener(event, (e) => {
          const payload = fromWire(JSON.parse((e as MessageEvent<string>).data));
          for (const l of fresh) l(payload);
        });
        set = fresh;
      }
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}

let current: GuichetBridge | null = null;

/** The bridge in use: the Electron preload when present, else the web host this page came from. */
export function api(): GuichetBridge {
  if (!current) current = fromRaw(window.guichet ?? httpBridge(takeSecret()));
  return current;
}

/**
 * The Electron preload itself, for the few channels outside the core contract
 * (application updates, shared/api/updates.ts). Null in a browser.
 */
export function electronBridge(): RawBridge | null {
  return window.guichet ?? null;
}

/** Tests (and only tests) put a fake bridge here. */
export function setApi(bridge: GuichetBridge | null): void {
  current = bridge;
}

/** A message to show for anything thrown by a call. */
export function messageOf(e: unknown): string {
  if (e instanceof GuichetError) return e.message;
  if (e instanceof Error && e.name === 'GuichetError') return e.message;
  return 'Une erreur inattendue est survenue. Réessayez ; si cela se reproduit, contactez l’assistance.';
}
