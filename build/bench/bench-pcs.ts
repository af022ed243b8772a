import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClientCore, type ClientCore } from '../../electron/core/client-core.js';
import { createNodePlatform } from '../../electron/platform/node-platform.js';
import { issueEnrollmentCode } from '../../hub-server/accounts/admin.js';
import { createHubLogger } from '../../hub-server/log.js';
import { type RunningHub, startHub } from '../../hub-server/server.js';
import type { Channel, OutputOf } from '../../shared/api/ipc.js';
import { startCountingProxy } from './counting-proxy.js';

/**
 * What the sync benches share: a real hub (SQLite) in a throwaway folder, PCs
 * (client cores without background sync, so each sync is the bench's own) and
 * the mayor's account made by enrolling a first PC, other PCs logging in as fresh installs.
 */
export const BENCH_PASSWORD = 'banc-essai-2026';
const MAYOR = 'maire';

export interface BenchPcs {
  dir: string;
  hub: RunningHub;
  /** A fresh PC whose data folder is `<dir>/<name>`. */
  open(name: string): Promise<ClientCore>;
  /** Enrols a new PC with a fresh code as the collectivité's mayor (the account is made then). */
  enrolMayor(insee: string, name: string): Promise<ClientCore>;
  /** A fresh PC on which the mayor logs in, through `hubUrl` (a counting relay, say). */
  loginMayor(insee: string, name: string, hubUrl: string): Promise<ClientCore>;
  /** Stops the in-process hub (a bench then serves its folder from a hub process of its own). */
  stopHub(): Promise<void>;
  /** Closes the PCs, the hub, and removes the folder. */
  close(): Promise<void>;
}

export async function startBenchPcs(prefix: string): Promise<BenchPcs> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const hub = await startHub({ port: 0, dataDir: join(dir, 'hub'), log: createHubLogger({ level: 'warn' }) });
  let hubOpen = true;
  const cores: ClientCore[] = [];
  const open = async (name: string) => {
    const core = await createClientCore({
      platform: createNodePlatform({ dataDir: join(dir, name), deviceName: name, logLevel: 'warn' }),
      backgroundSync: false,
    });
    cores.push(core);
    return core;
  };
  return {
    dir,
    hub,
    open,
    async enrolMayor(insee, name) {
      const { code } = await issueEnrollmentCode(hub.db, insee);
      const core = await open(name);
      await call(core, 'session:enroll', {
        hubUrl: hub.url,
        code,
        username: MAYOR,
        displayName: 'Maire',
        password: BENCH_PASSWORD,
        deviceName: name,
      });
      return core;
    },
    async loginMayor(insee, name, hubUrl) {
      const core = await open(name);
      await call(core, 'session:login', { hubUrl, insee, username: MAYOR, password: BENCH_PASSWORD, deviceName: name });
      return core;
    },
    async stopHub() {
      if (hubOpen) await hub.close();
      hubOpen = false;
    },
    async close() {
      for (const c of cores) await c.close();
      if (hubOpen) await hub.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A channel call that must succeed: a refusal stops the bench with its code and message. */
export async function call<C extends Channel>(core: ClientCore, channel: C, input: unknown): Promise<OutputOf<C>> {
  const res = await core.invoke(channel, input);
  if (!res.ok) throw new Error(`${channel}: ${res.error.code} ${res.error.message}`);
  return res.value as OutputOf<C>;
}

/**
 * A baseline's download: `gz` served over loopback HTTP, already gzipped, behind
 * a counting relay; `run` fetches it from the relay's URL. Answers what `run`
 * answers and the bytes that crossed the relay.
 */
export async function withGzipDownload<T>(
  gz: Buffer,
  contentType: string,
  run: (relayUrl: string) => Promise<T>,
  link: { bytesPerSecond?: number } = {},
): Promise<{ result: T; bytesOnWire: number }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': contentType, 'content-encoding': 'gzip', 'content-length': gz.length });
    res.end(gz);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy = await startCountingProxy(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), link);
  try {
    const result = await run(proxy.url);
    return { result, bytesOnWire: proxy.bytesToClient + proxy.bytesToServer };
  } finally {
    await proxy.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
