import { z } from 'zod';
import type { ChannelSpec, InputSchemas } from '../api/channel.js';
import { type AuditAction, type Consent, type EndReason, type InputEvent, inputEventSchema, MAX_FRAMES_CHARS } from './protocol.js';

/** Renderer ↔ main channels of remote assistance (`assistance:*`). The core holds the hub socket; the renderer records and replays. */

export interface ChatLine {
  from: 'pc' | 'agent';
  text: string;
  at: string;
}

export interface AssistanceState {
  status: 'idle' | 'connecting' | 'waiting' | 'joined' | 'active' | 'ended';
  /** The code to read over the phone, while no agent has joined. */
  code: string | null;
  codeExpiresAt: string | null;
  /** Who joined (their name, from the département's staff accounts). */
  agent: { name: string } | null;
  consent: Consent;
  /** The agent asked to take the hand: the secretary answers. */
  controlAsked: boolean;
  /** The agent asked for the diagnostic: the secretary sends it in one click. */
  diagnosticAsked: boolean;
  chat: ChatLine[];
  endReason: EndReason | null;
  /** French, when something failed (hub unreachable, too many requests). */
  error: string | null;
}

export const IDLE_ASSISTANCE: AssistanceState = {
  status: 'idle',
  code: null,
  codeExpiresAt: null,
  agent: null,
  consent: { view: false, control: false },
  controlAsked: false,
  diagnosticAsked: false,
  chat: [],
  endReason: null,
  error: null,
};

/** A past session as the mayor sees it (hub audit, every PC of the collectivité). */
export interface AssistanceHistoryEntry {
  id: string;
  collectivite: string;
  device: string;
  user: string;
  agentName: string | null;
  createdAt: string;
  endedAt: string | null;
  endReason: EndReason | null;
  actions: { at: string; actor: 'pc' | 'agent' | 'hub'; action: AuditAction; count: number }[];
}

export interface AssistanceChannels {
  'assistance:state': ChannelSpec<null, AssistanceState>;
  'assistance:request': ChannelSpec<null, AssistanceState>;
  'assistance:accept': ChannelSpec<null, AssistanceState>;
  'assistance:refuse': ChannelSpec<null, AssistanceState>;
  'assistance:grant-control': ChannelSpec<null, AssistanceState>;
  'assistance:take-back': ChannelSpec<null, AssistanceState>;
  'assistance:end': ChannelSpec<null, AssistanceState>;
  'assistance:chat': ChannelSpec<{ text: string }, AssistanceState>;
  'assistance:send-diagnostic': ChannelSpec<null, AssistanceState>;
  'assistance:frames': ChannelSpec<{ json: string }, null>;
  'assistance:applied': ChannelSpec<{ seq: number; ok: boolean; refusal?: string }, null>;
  'assistance:history': ChannelSpec<null, AssistanceHistoryEntry[]>;
}

export interface AssistanceEvents {
  'assistance:state': AssistanceState;
  /** An input of the agent to replay in the page (only while the secretary gave the hand). */
  'assistance:input': { seq: number; input: InputEvent };
}

export const assistanceInputs: InputSchemas<AssistanceChannels> = {
  'assistance:state': z.null(),
  'assistance:request': z.null(),
  'assistance:accept': z.null(),
  'assistance:refuse': z.null(),
  'assistance:grant-control': z.null(),
  'assistance:take-back': z.null(),
  'assistance:end': z.null(),
  'assistance:chat': z.object({ text: z.string().trim().min(1, 'Écrivez un message.').max(2000) }),
  'assistance:send-diagnostic': z.null(),
  'assistance:frames': z.object({ json: z.string().max(MAX_FRAMES_CHARS) }),
  'assistance:applied': z.object({ seq: z.number().int().min(0), ok: z.boolean(), refusal: z.string().max(200).optional() }),
  'assistance:history': z.null(),
};

export type { InputEvent };
export { inputEventSchema };
