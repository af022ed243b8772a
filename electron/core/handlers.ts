import type { ChannelSpec } from '../../shared/api/channel.js';

/** Handlers for a map of channels, each receiving the validated input. */
export type ChannelHandlers<M> = {
  [K in keyof M]: M[K] extends ChannelSpec<infer I, infer O> ? (input: I) => O | Promise<O> : never;
};
