import type WebSocket from 'ws';
import { type AssistanceState, IDLE_ASSISTANCE } from '../../shared/assistance/ipc.js';
import {
  ACTION_LABELS,
  type AuditAction,
  type EndReason,
  type HubToPc,
  inputEventSchema,
  type PcMessage,
} from '../../shared/assistance/protocol.js';
import { GuichetError } from '../../shared/errors.js';
import type { CoreContext } from '../core/client-domain.js';
import { buildDiagnostic } from './diagnostic.js';

const MAX_CHAT_LINES = 200;
const OFFLINE = "Le hub est injoignable : l'assistance à distance passe par lui. Vérifiez la connexion et réessayez.";

/**
 * The PC's side of a remote-assistance session. The core (not the renderer)
 * holds the WebSocket to the hub: it has the device's token, which never
 * reaches the page, and the same code serves Electron and the web host. The
 * renderer records the page (rrweb) and hands batches over; inputs of the
 * agent come back to it as events, only while the secretary gives the hand.
 * Every action is written to the PC's log (mod `assistance`).
 */
export function createAssistanceSession(ctx: CoreContext) {
  // The session's audit is written whatever the log level: it is the PC's record of who acted in the app.
  const log = ctx.log.child({ mod: 'assistance' }, { level: 'info' });
  let state: AssistanceState = IDLE_ASSISTANCE;
  let socket: WebSocket | null = null;
  let sessionId: string | null = null;
  // While a session runs, an update never restarts the PC (electron/core/busy.ts).
  let idle: (() => void) | null = null;

  const set = (patch: Partial<AssistanceState>): AssistanceState => {
    state = { ...state, ...patch };
    ctx.emit('assistance:state', state);
    return state;
  };
  const note = (action: AuditAction): void => log.info({ session: sessionId, action }, `assistance : ${ACTION_LABELS[action]}`);
  const send = (m: PcMessage): void => {
    if (socket && socket.readyState === socket.OPEN) socket.send(JSON.stringify(m));
  };
  const live = () => state.status === 'waiting' || state.status === 'joined' || state.status === 'active';
  const chatLine = (from: 'pc' | 'agent', text: string) =>
    [...state.chat, { from, text, at: ctx.platform.now().toISOString() }].slice(-MAX_CHAT_LINES);

  function finish(reason: EndReason): AssistanceState {
    if (state.status === 'ended' || state.status === 'idle') return state;
    note('ended');
    log.info({ session: sessionId, reason }, 'assistance session ended');
    const s = socket;
    socket = null;
    idle?.();
    idle = null;
    s?.close(1000, 'ended');
    return set({
      status: 'ended',
      code: null,
      consent: { view: false, control: false },
      controlAsked: false,
      diagnosticAsked: false,
      endReason: reason,
    });
  }

  function onMessage(m: HubToPc): void {
    switch (m.t) {
      case 'joined':
        note('joined');
        set({ status: 'joined', code: null, codeExpiresAt: null, agent: { name: String(m.agent.name).slice(0, 200) } });
        return;
      case 'chat':
        note('chat-agent');
        set({ chat: chatLine('agent', String(m.text).slice(0, 2000)) });
        return;
      case 'ask-control':
        note('control-asked');
        set({ controlAsked: true });
        return;
      case 'ask-diagnostic':
        note('diagnostic-asked');
        set({ diagnosticAsked: true });
        return;
      case 'input': {
        const input = inputEventSchema.safeParse(m.input);
        if (!input.success || !state.consent.control) {
          send({ t: 'applied', seq: m.seq, ok: false, refusal: 'La mairie a repris la main.' });
          return;
        }
        ctx.emit('assistance:input', { seq: m.seq, input: input.data });
        return;
      }
      case 'ended':
        finish(m.reason);
        return;
      case 'error':
        set({ error: String(m.message).slice(0, 300) });
        return;
    }
  }

  function connect(path: string): Promise<void> {
    const hub = ctx.hub();
    if (!hub) return Promise.reject(new GuichetError('offline', OFFLINE, 'assistance without hub'));
    const ws = hub.openSocket(path);
    socket = ws;
    ws.on('message', (raw) => {
      try {
        onMessage(JSON.parse(raw.toString()) as HubToPc);
      } catch (err) {
        log.warn({ err: err instanceof Error ? err.message : 'unknown' }, 'assistance message unreadable');
      }
    });
    ws.on('close', () => {
      if (socket === ws) finish('disconnected');
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', (err) => reject(new GuichetError('offline', OFFLINE, `assistance socket: ${err.message}`)));
    });
  }

  return {
    state: () => state,

    async request(): Promise<AssistanceState> {
      if (live() || state.status === 'connecting') return state;
      ctx.requirePermission('assistance.request');
      const hub = ctx.hub();
      if (!hub) throw new GuichetError('offline', OFFLINE, 'assistance without hub');
      set({ ...IDLE_ASSISTANCE, status: 'connecting' });
      idle = ctx.busy.begin('assistance', "session d'assistance à distance");
      try {
        const created = await hub.createAssistance();
        sessionId = created.id;
        await connect(`/api/v1/assistance/sessions/${encodeURIComponent(created.id)}/socket`);
        note('created');
        return set({ status: 'waiting', code: created.code, codeExpiresAt: created.codeExpiresAt });
      } catch (err) {
        socket?.close();
        socket = null;
        idle?.();
        idle = null;
        set({ ...IDLE_ASSISTANCE, error: err instanceof GuichetError ? err.message : OFFLINE });
        throw err;
      }
    },

    accept(): AssistanceState {
      if (state.status !== 'joined') return state;
      note('accepted');
      send({ t: 'consent', consent: { view: true, control: false } });
      return set({ status: 'active', consent: { view: true, control: false } });
    },

    refuse(): AssistanceState {
      if (state.status !== 'joined') return state;
      note('refused');
      send({ t: 'consent', consent: { view: false, control: false } });
      return finish('refused');
    },

    grantControl(): AssistanceState {
      if (state.status !== 'active' || !state.controlAsked) return state;
      note('control-granted');
      send({ t: 'consent', consent: { view: true, control: true } });
      return set({ consent: { view: true, control: true }, controlAsked: false });
    },

    takeBack(): AssistanceState {
      if (state.status !== 'active') return state;
      if (state.consent.control) note('control-taken-back');
      send({ t: 'consent', consent: { view: true, control: false } });
      return set({ consent: { view: true, control: false }, controlAsked: false });
    },

    end(): AssistanceState {
      if (!live()) return set({ ...IDLE_ASSISTANCE });
      send({ t: 'end' });
      return finish('pc');
    },

    chat(text: string): AssistanceState {
      if (state.status !== 'joined' && state.status !== 'active') return state;
      note('chat-pc');
      send({ t: 'chat', text });
      return set({ chat: chatLine('pc', text) });
    },

    sendDiagnostic(): AssistanceState {
      if (state.status !== 'active' || !state.diagnosticAsked) return state;
      const bundle = buildDiagnostic({ db: ctx.db, dataDir: ctx.platform.dataDir, sync: ctx.syncState(), now: ctx.platform.now() });
      send({ t: 'diagnostic', bundle });
      note('diagnostic-sent');
      return set({ diagnosticAsked: false });
    },

    frames(json: string): void {
      if (state.status === 'active' && state.consent.view) send({ t: 'frames', json });
    },

    applied(seq: number, ok: boolean, refusal?: string): void {
      if (ok) note('input');
      else note('input-refused');
      send({ t: 'applied', seq, ok, ...(refusal ? { refusal } : {}) });
    },

    /** Logout: the session never outlives the secretary's login; the agent and both audits are told why. */
    close(): void {
      if (live()) {
        send({ t: 'end', reason: 'logout' });
        finish('logout');
      }
    },
  };
}

export type AssistanceSession = ReturnType<typeof createAssistanceSession>;
