/**
 * The whole renderer ↔ main contract. The preload exposes exactly
 * `invoke(channel, input)` and `on(event, listener)` for these maps, the
 * web host serves the same over HTTP (POST /api/invoke/:channel, SSE /api/events).
 */
import { accountsInputs, type AccountsChannels } from '../accounts/ipc.js';
import { actsInputs, type ActsChannels, type ActsEvents } from '../acts/ipc.js';
import { electoralInputs, type ElectoralChannels, type ElectoralEvents } from '../electoral/ipc.js';
import { syncInputs, type SyncChannels, type SyncEvents } from '../sync/ipc.js';
import type { InputSchemas } from './channel.js';

export interface GuichetChannels extends AccountsChannels, SyncChannels, ElectoralChannels, ActsChannels {}
export interface GuichetEvents extends SyncEvents, ElectoralEvents, ActsEvents {}

export type Channel = keyof GuichetChannels;
export type EventName = keyof GuichetEvents;
export type InputOf<C extends Channel> = GuichetChannels[C]['input'];
export type OutputOf<C extends Channel> = GuichetChannels[C]['output'];

export const channelInputs: InputSchemas<GuichetChannels> = {
  ...accountsInputs,
  ...syncInputs,
  ...electoralInputs,
  ...actsInputs,
};

export const CHANNELS = Object.keys(channelInputs) as Channel[];

export function isChannel(x: string): x is Channel {
  return Object.hasOwn(channelInputs, x);
}

/**
 * Runtime list of event names (the preload and the web host forward exactly these).
 * A Record keyed by EventName makes the compiler refuse a missing or unknown name.
 */
const eventNameSet: Record<EventName, true> = { 'sync:state': true, 'electoral:import-progress': true, 'actes:upload-progress': true };
export const EVENT_NAMES = Object.keys(eventNameSet) as EventName[];

export function isEventName(x: string): x is EventName {
  return Object.hasOwn(eventNameSet, x);
}

/** What the preload puts on `window.guichet` and the web client implements over HTTP. */
export interface GuichetBridge {
  invoke<C extends Channel>(channel: C, input: InputOf<C>): Promise<OutputOf<C>>;
  on<E extends EventName>(event: E, listener: (payload: GuichetEvents[E]) => void): () => void;
}

/** The result envelope on the wire (IPC and HTTP): errors travel as data, never as thrown IPC errors. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: import('../errors.js').ErrorBody };
