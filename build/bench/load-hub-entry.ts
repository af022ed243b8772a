import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import type { ActesConfig } from '../../hub-server/acts/service.js';
import { createHubLogger } from '../../hub-server/log.js';
import { startHub } from '../../hub-server/server.js';

/**
 * The hub process of the load bench (load-bench.ts): the real hub as
 * `guichet hub serve` starts it, in its own process so its CPU and memory are
 * measured apart from the simulated PCs. Configured by GUICHET_LOAD_HUB
 * (JSON); logs at info (as deployed) into a file; prints `READY <url>`, then
 * its event-loop stalls.
 */
interface LoadHubConfig {
  dataDir: string;
  /** postgres://… (with `options=-c search_path=…` for a throwaway schema), or absent for SQLite in dataDir. */
  dbUrl?: string;
  actes?: ActesConfig;
  logLevel?: string;
}

const config = JSON.parse(process.env.GUICHET_LOAD_HUB ?? '{}') as LoadHubConfig;
const hub = await startHub({
  port: 0,
  dataDir: config.dataDir,
  dbUrl: config.dbUrl,
  services: { acts: config.actes },
  handleSignals: true,
  log: createHubLogger({
    level: config.logLevel ?? 'info',
    destination: pino.destination({ dest: join(config.dataDir, 'hub.log'), sync: false }),
  }),
});
process.stdout.write(`READY ${hub.url}\n`);

// The longest the hub's event loop went without a turn, every 500 ms (`STALL <ms>`): on PostgreSQL, tells a
// blocked loop (inflating, parsing, validating) from requests waiting on the database.
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
setInterval(() => {
  process.stdout.write(`STALL ${Math.round(delay.max / 1e5) / 10}\n`);
  delay.reset();
}, 500).unref();
