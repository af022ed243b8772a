import type { Channel, Envelope, EventName, GuichetEvents } from '../../shared/api/ipc.js';

/**
 * What the web host and the Electron shell need from the client core
 * (electron/core/client-core.ts `createClientCore` returns a superset).
 * Kept structural so both front doors can be tested against a fake.
 */
export interface CoreApi {
  invoke(channel: Channel, input: unknown): Promise<Envelope<unknown>>;
  on<E extends EventName>(event: E, listener: (payload: GuichetEvents[E]) => void): () => void;
}
