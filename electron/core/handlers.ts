import type { ChannelSpec } from '../../shared/api/channel.js';

/** Handlers for a map of channels, each receiving the validated input. */
export type ChannelHandlers<M> = {
  [K in keyof M]: M[K] extends ChannelSpec<infer I, infer O> ? (input: I) => O | Promise<O> : never;
};

/** What a domain module gives the core (see electron/electoral/module.ts). */
export interface DomainModule {
  /** Keyed by channel; each takes its own channel's input (`never` here accepts any of them). */
  handlers: Record<string, (input: never) => unknown>;
  collections: import('./context.js').LocalCollection[];
  /** Work the sync engine runs before pushing the outbox (see SyncEngineOptions.beforePush). */
  beforePush?: (hub: import('../hub-client/hub-client.js').HubClient) => Promise<void>;
}
