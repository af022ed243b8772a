import { startHub } from '../server.js';
import { createHubLogger } from '../log.js';
import type { ActesConfig } from './service.js';

/**
 * A hub process for the crash tests (exactly-once under kills): configured
 * by GUICHET_TEST_HUB (JSON), killed at a forwarder step by
 * GUICHET_ACTES_FAULT (see service.ts). Prints `READY <url>` once listening.
 */
const config = JSON.parse(process.env.GUICHET_TEST_HUB ?? '{}') as {
  dataDir: string;
  port: number;
  actes: ActesConfig;
  /** PostgreSQL (two instances on one schema); SQLite in dataDir otherwise. */
  dbUrl?: string;
  dbSchema?: string;
};
const hub = await startHub({
  port: config.port,
  dataDir: config.dataDir,
  dbUrl: config.dbUrl,
  dbSchema: config.dbSchema,
  services: { acts: config.actes },
  handleSignals: true,
  log: createHubLogger({ level: 'warn' }),
});
process.stdout.write(`READY ${hub.url}\n`);
