import { z } from 'zod';

/**
 * Remote assistance: what travels between the town hall's PC, the hub and the
 * département's agent (the console), over two WebSockets the hub joins. Only
 * the PC creates a session (a helpdesk cannot call in: that is how scams
 * work); the agent joins with the short code read over the phone. The hub
 * relays a message only within its session and only what the secretary
 * consented to (the screen, then the hand).
 */

/** Digits of the code read over the phone. */
export const CODE_DIGITS = 6;
/** A code not used within this delay is dead. */
export const CODE_TTL_MS = 10 * 60_000;
/** A session ends by itself after this, whatever happens. */
export const SESSION_MAX_MS = 2 * 60 * 60_000;
/** Sessions one PC may open per window (hub-enforced). */
export const CREATE_LIMIT = { max: 5, windowMs: 10 * 60_000 };
/** Wrong codes one agent may type per window (hub-enforced). */
export const JOIN_LIMIT = { max: 5, windowMs: 10 * 60_000 };
/** Largest frame batch (rrweb events, serialised) the PC sends at once. */
export const MAX_FRAMES_CHARS = 4_000_000;

export const codeSchema = z.string().regex(/^\d{6}$/, 'Le code comporte 6 chiffres.');

/** The code as typed (spaces, dashes and dots of « 123 456 » ignored). */
export function normalizeCode(typed: string): string {
  return typed.replace(/[\s.-]/g, '');
}

const chatText = z.string().trim().min(1, 'Écrivez un message.').max(2000);
const nodeId = z.number().int().min(0).max(100_000_000);

/** Named keys the agent's keyboard may press in the app (no shortcut: no Ctrl, Alt, F-keys, Windows key). */
export const FORWARDED_KEYS: ReadonlySet<string> = new Set([
  'Enter',
  'Tab',
  'Escape',
  'ArrowUp',
  'ArrowDown',
  'ArrowLeft',
  'ArrowRight',
  'Backspace',
  'Delete',
  'Home',
  'End',
  'PageUp',
  'PageDown',
  ' ',
]);

/** One typed character (a letter, a digit, « é », « @ »…), not a control character. */
export const isTypedCharacter = (key: string): boolean => /^[^\p{Cc}\p{Cf}]$/u.test(key);

/** What the agent's pointer and keyboard do in the app, replayed on the PC into rrweb's mirrored node `id`. */
export const inputEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('click'), id: nodeId }),
  z.object({ kind: z.literal('text'), id: nodeId, value: z.string().max(1000) }),
  z.object({ kind: z.literal('key'), id: nodeId.nullable(), key: z.string().min(1).max(20) }),
]);
export type InputEvent = z.infer<typeof inputEventSchema>;

/** Versions, sync and queue state, last errors and log lines: redacted on the PC, no personal data. */
export const diagnosticSchema = z.object({
  createdAt: z.string().max(40),
  versions: z.record(z.string().max(40), z.string().max(80)).refine((r) => Object.keys(r).length <= 40),
  sync: z.object({
    online: z.boolean(),
    phase: z.string().max(20),
    pending: z.number().int(),
    lastSuccessAt: z.string().max(40).nullable(),
    lastError: z.string().max(300).nullable(),
    rejected: z.number().int(),
  }),
  logs: z.array(z.string().max(1000)).max(200),
});
export type Diagnostic = z.infer<typeof diagnosticSchema>;

/** What the secretary allows: the agent sees the app (`view`), and acts in it (`control`, a second consent). */
export const consentSchema = z.object({ view: z.boolean(), control: z.boolean() });
export type Consent = z.infer<typeof consentSchema>;

/** PC → hub. */
export const pcMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('consent'), consent: consentSchema }),
  z.object({ t: z.literal('frames'), json: z.string().max(MAX_FRAMES_CHARS) }),
  z.object({ t: z.literal('chat'), text: chatText }),
  z.object({ t: z.literal('diagnostic'), bundle: diagnosticSchema }),
  /** An agent's input was applied (`ok`) or refused on the PC (what the agent cannot do). */
  z.object({ t: z.literal('applied'), seq: z.number().int().min(0), ok: z.boolean(), refusal: z.string().max(200).optional() }),
  /** The secretary ended the session, or logged out of Guichet (`logout`: the session never outlives her login). */
  z.object({ t: z.literal('end'), reason: z.literal('logout').optional() }),
]);
export type PcMessage = z.infer<typeof pcMessageSchema>;

/** Agent → hub. The first message of the agent's socket is `join`. */
export const agentMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('join'), code: z.string().max(20) }),
  z.object({ t: z.literal('chat'), text: chatText }),
  z.object({ t: z.literal('ask-control') }),
  z.object({ t: z.literal('ask-diagnostic') }),
  z.object({ t: z.literal('input'), seq: z.number().int().min(0), input: inputEventSchema }),
  z.object({ t: z.literal('end') }),
]);
export type AgentMessage = z.infer<typeof agentMessageSchema>;

export const END_REASONS = ['pc', 'agent', 'expired', 'refused', 'disconnected', 'logout'] as const;
export type EndReason = (typeof END_REASONS)[number];

/** Hub → PC. */
export type HubToPc =
  | { t: 'joined'; agent: { name: string } }
  | { t: 'chat'; text: string }
  | { t: 'ask-control' }
  | { t: 'ask-diagnostic' }
  | { t: 'input'; seq: number; input: InputEvent }
  | { t: 'ended'; reason: EndReason }
  | { t: 'error'; message: string };

/** Hub → agent. */
export type HubToAgent =
  | { t: 'joined'; session: { id: string; collectivite: string; device: string } }
  | { t: 'consent'; consent: Consent }
  | { t: 'frames'; json: string }
  | { t: 'chat'; text: string }
  | { t: 'diagnostic'; bundle: Diagnostic }
  | { t: 'applied'; seq: number; ok: boolean; refusal?: string }
  | { t: 'ended'; reason: EndReason }
  | { t: 'error'; message: string };

/** Who joined, as the secretary reads it. */
export const AGENT_ORGANISATION = 'Assistance du département';

/** Actions written to the hub's audit table (and the PC's log): no content, no personal data. */
export const AUDIT_ACTIONS = [
  'created',
  'join-refused',
  'joined',
  'accepted',
  'refused',
  'control-asked',
  'control-granted',
  'control-taken-back',
  'input',
  'input-refused',
  'chat-pc',
  'chat-agent',
  'diagnostic-asked',
  'diagnostic-sent',
  'ended',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const END_REASON_LABELS: Record<EndReason, string> = {
  pc: 'terminée par la mairie',
  agent: "terminée par l'agent",
  expired: 'expirée',
  refused: 'refusée par la mairie',
  disconnected: 'connexion perdue',
  logout: 'terminée : la mairie s’est déconnectée de Guichet',
};

export const ACTION_LABELS: Record<AuditAction, string> = {
  created: 'Demande d’aide, code donné',
  'join-refused': 'Code refusé',
  joined: 'Agent connecté',
  accepted: 'Partage de l’écran accepté',
  refused: 'Partage refusé',
  'control-asked': 'Prise en main demandée',
  'control-granted': 'Prise en main accordée',
  'control-taken-back': 'Main reprise par la mairie',
  input: 'Action de l’agent dans l’application',
  'input-refused': 'Action de l’agent refusée',
  'chat-pc': 'Message de la mairie',
  'chat-agent': 'Message de l’agent',
  'diagnostic-asked': 'Diagnostic demandé',
  'diagnostic-sent': 'Diagnostic envoyé',
  ended: 'Fin de la session',
};
