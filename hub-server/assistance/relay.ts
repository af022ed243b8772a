import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import {
  type AgentMessage,
  type AuditAction,
  type Consent,
  CODE_TTL_MS,
  type EndReason,
  type HubToAgent,
  type HubToPc,
  type PcMessage,
} from '../../shared/assistance/protocol.js';
import { audit, bumpAction, type Db, endSession, type LiveSessionRow } from './store.js';

/**
 * The live sessions of this hub process: the PC's socket and the agent's,
 * joined. The relay forwards a message only within its session and only what
 * the secretary consented to: frames once she accepted, inputs while she gives
 * the hand. Both sockets of a session must reach the same hub instance (one
 * process, or sticky routing by session id behind a load balancer).
 */
interface Live {
  row: LiveSessionRow;
  pc: WebSocket | null;
  agent: WebSocket | null;
  agentName: string | null;
  consent: Consent;
  diagnosticAsked: boolean;
  seq: number;
  /** The audit row counting the current run of inputs (null after any other action). */
  inputRow: Promise<string> | null;
  /** Audit writes of a session, in order, off the relay's path. */
  writes: Promise<unknown>;
  timer: NodeJS.Timeout;
}

const NOT_CONSENTED_CONTROL = "La mairie ne vous a pas donné la main : demandez-la d'abord.";
const NOT_CONSENTED_VIEW = "La mairie n'a pas encore accepté le partage de l'écran.";

function send(socket: WebSocket | null, message: HubToPc | HubToAgent | { t: 'frames-raw'; json: string }): void {
  if (!socket || socket.readyState !== socket.OPEN) return;
  // Frames are relayed as the PC serialised them: no re-parse of the (large) rrweb batch.
  if (message.t === 'frames-raw') socket.send(`{"t":"frames","json":${JSON.stringify(message.json)}}`);
  else socket.send(JSON.stringify(message));
}

export interface Relay {
  attachPc(row: LiveSessionRow, socket: WebSocket): void;
  attachAgent(sessionId: string, agent: { id: string; name: string }, socket: WebSocket): boolean;
  fromPc(sessionId: string, message: PcMessage): void;
  fromAgent(sessionId: string, message: Exclude<AgentMessage, { t: 'join' }>): void;
  end(sessionId: string, reason: EndReason): Promise<void>;
  close(): Promise<void>;
}

export function createRelay(db: Db, log: Logger): Relay {
  const live = new Map<string, Live>();

  function record(s: Live, actor: 'pc' | 'agent' | 'hub', action: AuditAction): void {
    const seq = ++s.seq;
    if (action === 'input') {
      if (s.inputRow) {
        const row = s.inputRow;
        s.writes = s.writes.then(async () => bumpAction(db, await row));
      } else {
        s.inputRow = s.writes.then(() => audit(db, s.row.id, seq, actor, action));
        s.writes = s.inputRow;
      }
    } else {
      s.inputRow = null;
      s.writes = s.writes.then(() => audit(db, s.row.id, seq, actor, action));
    }
    s.writes = s.writes.catch((err: unknown) => log.error({ err, session: s.row.id, action }, 'assistance audit failed'));
    log.info({ session: s.row.id, actor, action }, 'assistance action');
  }

  async function end(sessionId: string, reason: EndReason): Promise<void> {
    const s = live.get(sessionId);
    if (!s) return;
    live.delete(sessionId);
    clearTimeout(s.timer);
    record(s, 'hub', 'ended');
    send(s.pc, { t: 'ended', reason });
    send(s.agent, { t: 'ended', reason });
    s.pc?.close(1000, 'ended');
    s.agent?.close(1000, 'ended');
    await s.writes;
    await endSession(db, sessionId, reason).catch((err: unknown) => log.error({ err, session: sessionId }, 'assistance end not stored'));
  }

  function setConsent(s: Live, next: Consent): void {
    const before = s.consent;
    // The hand needs the screen: control without view is no control.
    const consent = { view: next.view, control: next.view && next.control };
    s.consent = consent;
    if (!before.view && consent.view) record(s, 'pc', 'accepted');
    if (!before.control && consent.control) record(s, 'pc', 'control-granted');
    if (before.control && !consent.control) record(s, 'pc', 'control-taken-back');
    send(s.agent, { t: 'consent', consent });
    if (!consent.view && !before.view) {
      record(s, 'pc', 'refused');
      void end(s.row.id, 'refused');
    }
  }

  return {
    attachPc(row, socket) {
      const existing = live.get(row.id);
      if (existing) {
        existing.pc?.close(1000, 'replaced');
        existing.pc = socket;
        return;
      }
      // Not joined before the code dies: over. Joined: over at the session's end of life.
      const until = row.joined ? Date.parse(row.expiresAt) : Math.min(Date.parse(row.codeExpiresAt), Date.now() + CODE_TTL_MS);
      const s: Live = {
        row,
        pc: socket,
        agent: null,
        agentName: null,
        consent: { view: false, control: false },
        diagnosticAsked: false,
        seq: 0,
        inputRow: null,
        writes: Promise.resolve(),
        timer: setTimeout(() => void end(row.id, 'expired'), Math.max(0, until - Date.now())),
      };
      s.timer.unref();
      live.set(row.id, s);
    },

    attachAgent(sessionId, agent, socket) {
      const s = live.get(sessionId);
      if (!s || s.agent) return false;
      s.agent = socket;
      s.agentName = agent.name;
      clearTimeout(s.timer);
      s.timer = setTimeout(() => void end(sessionId, 'expired'), Math.max(0, Date.parse(s.row.expiresAt) - Date.now()));
      s.timer.unref();
      record(s, 'agent', 'joined');
      send(s.pc, { t: 'joined', agent: { name: agent.name } });
      send(socket, { t: 'joined', session: { id: sessionId, collectivite: s.row.collectivite, device: s.row.device } });
      return true;
    },

    fromPc(sessionId, m) {
      const s = live.get(sessionId);
      if (!s) return;
      switch (m.t) {
        case 'consent':
          if (s.agent) setConsent(s, m.consent);
          return;
        case 'frames':
          if (s.consent.view) send(s.agent, { t: 'frames-raw', json: m.json });
          return;
        case 'chat':
          if (!s.agent) return;
          record(s, 'pc', 'chat-pc');
          send(s.agent, { t: 'chat', text: m.text });
          return;
        case 'diagnostic':
          if (!s.diagnosticAsked || !s.consent.view) return;
          s.diagnosticAsked = false;
          record(s, 'pc', 'diagnostic-sent');
          send(s.agent, { t: 'diagnostic', bundle: m.bundle });
          return;
        case 'applied':
          if (!m.ok) record(s, 'pc', 'input-refused');
          send(s.agent, { t: 'applied', seq: m.seq, ok: m.ok, ...(m.refusal ? { refusal: m.refusal } : {}) });
          return;
        case 'end':
          void end(sessionId, m.reason ?? 'pc');
          return;
      }
    },

    fromAgent(sessionId, m) {
      const s = live.get(sessionId);
      if (!s) return;
      switch (m.t) {
        case 'chat':
          record(s, 'agent', 'chat-agent');
          send(s.pc, { t: 'chat', text: m.text });
          return;
        case 'ask-control':
          if (!s.consent.view) return send(s.agent, { t: 'error', message: NOT_CONSENTED_VIEW });
          record(s, 'agent', 'control-asked');
          send(s.pc, { t: 'ask-control' });
          return;
        case 'ask-diagnostic':
          if (!s.consent.view) return send(s.agent, { t: 'error', message: NOT_CONSENTED_VIEW });
          s.diagnosticAsked = true;
          record(s, 'agent', 'diagnostic-asked');
          send(s.pc, { t: 'ask-diagnostic' });
          return;
        case 'input':
          if (!s.consent.control) return send(s.agent, { t: 'applied', seq: m.seq, ok: false, refusal: NOT_CONSENTED_CONTROL });
          record(s, 'agent', 'input');
          send(s.pc, { t: 'input', seq: m.seq, input: m.input });
          return;
        case 'end':
          void end(sessionId, 'agent');
          return;
      }
    },

    end,

    async close() {
      await Promise.all([...live.keys()].map((id) => end(id, 'disconnected')));
    },
  };
}
