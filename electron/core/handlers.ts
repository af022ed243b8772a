import type { ChannelSpec } from '../../shared/api/channel.js';

/** Handlers for a map of channels, each receiving the validated input. */
export type ChannelHandlers<M> = {
  [K in keyof M]: M[K] extends ChannelSpec<infer I, infer O> ? (input: I) => O | Promise<O> : never;
};

/** What a domain module gives the core (see electron/electoral/module.ts). */
export interface DomainModule {
  handlers: Record<string, (input: any) => unknown>;
  collections: import('./context.js').LocalCollection[];
  /** Work the sync engine runs before pushing the outbox (see SyncEngineOptions.beforePush). */
  beforePush?: (hub: import('../hub-client/hub-client.js').HubClient) => Promise<void>;
}
