import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClientCore, type ClientCore, type ClientCoreOptions } from '../../electron/core/client-core.js';
import { createNodePlatform } from '../../electron/platform/node-platform.js';
import type { Channel, Envelope, OutputOf } from '../../shared/api/ipc.js';
import type { ErrorBody } from '../../shared/errors.js';

/** A whole client core on its own data dir, tuned for tests (no background loop, fast retries). */
export async function openCore(
  dataDir?: string,
  deviceName = 'PC de test',
  extra: Pick<ClientCoreOptions, 'sessionCheckMs'> = {},
): Promise<ClientCore & { dataDir: string }> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'guichet-core-'));
  const platform = createNodePlatform({ dataDir: dir, deviceName, logLevel: process.env.GUICHET_TEST_LOG ?? 'silent' });
  const core = await createClientCore({
    platform,
    backgroundSync: false,
    hub: { retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 5000 },
    // Cycles run only when a test asks (sync:now): runs stay deterministic for a given seed.
    sync: { debounceMs: 3_600_000 },
    ...extra,
  });
  return Object.assign(core, { dataDir: dir });
}

/** invoke that must succeed: answers the value or throws with the error body. */
export async function call<C extends Channel>(core: ClientCore, channel: C, input: unknown): Promise<OutputOf<C>> {
  const env = (await core.invoke(channel, input)) as Envelope<OutputOf<C>>;
  if (!env.ok) throw new Error(`${channel} refused: ${env.error.code} ${env.error.message} (${env.error.detail ?? ''})`);
  return env.value;
}

/** invoke that must fail: answers the error body. */
export async function refusal(core: ClientCore, channel: Channel, input: unknown): Promise<ErrorBody> {
  const env = await core.invoke(channel, input);
  if (env.ok) throw new Error(`${channel} unexpectedly succeeded`);
  return env.error;
}
