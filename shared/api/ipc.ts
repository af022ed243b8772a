/**
 * The whole renderer ↔ main contract. The preload exposes exactly
 * `invoke(channel, input)` and `on(event, listener)` for these maps, the
 * web host serves the same over HTTP (POST /api/invoke/:channel, SSE /api/events).
 */
import type { SessionChannels, SessionEvents } from '../accounts/ipc.js';
import { type DomainChannels, type DomainEvents, registry } from '../domains.js';
import type { SyncChannels, SyncEvents } from '../sync/ipc.js';

export interface GuichetChannels extends SessionChannels, SyncChannels, DomainChannels {}
export interface GuichetEvents extends SessionEvents, SyncEvents, DomainEvents {}

export type Channel = keyof GuichetChannels & string;
export type EventName = keyof GuichetEvents & string;
export type InputOf<C extends Channel> = GuichetChannels[C]['input'];
export type OutputOf<C extends Channel> = GuichetChannels[C]['output'];

export const CHANNELS = registry.channels as readonly Channel[];

export function isChannel(x: string): x is Channel {
  return registry.channelInput(x) !== undefined;
}

/** Runtime list of event names (the preload and the web host forward exactly these). */
export const EVENT_NAMES = ['session:state', 'sync:state', ...registry.events] as readonly EventName[];

export function isEventName(x: string): x is EventName {
  return (EVENT_NAMES as readonly string[]).includes(x);
}

/** What the preload puts on `window.guichet` and the web client implements over HTTP. */
export interface GuichetBridge {
  invoke<C extends Channel>(channel: C, input: InputOf<C>): Promise<OutputOf<C>>;
  on<E extends EventName>(event: E, listener: (payload: GuichetEvents[E]) => void): () => void;
}

/** The result envelope on the wire (IPC and HTTP): errors travel as data, never as thrown IPC errors. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: import('../errors.js').ErrorBody };
