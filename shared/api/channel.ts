import type { z } from 'zod';

/**
 * A channel of the renderer↔main contract: named `domain:verb`, with the
 * input the renderer sends (validated by main with `input` schemas) and the
 * output main answers. Each domain declares its channels in
 * `shared/<domain>/ipc.ts`; `shared/api/ipc.ts` merges them.
 */
export interface ChannelSpec<I, O> {
  input: I;
  output: O;
}

/** Zod schemas for every channel's input: the core validates before it acts. */
export type InputSchemas<M> = { [K in keyof M]: M[K] extends ChannelSpec<infer I, unknown> ? z.ZodType<I> : never };
