import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { HubDatabase } from '../db/schema.js';
import type { TiersIdentity } from './actes-format/identities.js';
import { publishClassification, requestClassification } from './classification.js';
import { startActesForwarder, type ActesForwarder, type ActesForwarderOptions, type ForwarderStep } from './forwarder.js';
import type { ReturnMailHandlers } from './mailbox/deliver-mail.js';
import { startImapPoller, type ImapPoller, type ImapPollerOptions } from './mailbox/imap-poller.js';
import { startActesMailbox, type ActesMailbox } from './mailbox/smtp-receiver.js';
import { applyReturn } from './returns.js';
import { closeEndpoint, type MinistryEndpoint } from './transport/post-archive.js';

/**
 * The hub as tiers de télétransmission: forwarding worker + the ways returns
 * come in (SMTP receiver, IMAP poller, or both; one routing for all).
 * Started by startHub when `actes` is configured.
 */
export interface ActesConfig {
  /** @CTES endpoint (or the simulator's `…/actes`). */
  prefectureUrl: string;
  /** PEM the platform's certificate must match (pinning). */
  prefectureCertPem: string;
  clientCertPem?: string;
  clientKeyPem?: string;
  legacyProtocol?: boolean;
  postTimeoutMs?: number;
  /** SMTP port of the ACTES mailbox (0 = any free port; omit to not run it). */
  mailboxPort?: number;
  mailboxHost?: string;
  /** An existing mailbox polled over IMAP for the returns (instead of, or besides, the SMTP receiver). */
  imap?: ActesImapConfig;
  tiers: TiersIdentity;
  /** Archives per hour window (and/or bytes). */
  maxPerHour?: number;
  maxBytesPerHour?: number;
  windowMs?: number;
  pollMs?: number;
  backoffBaseMs?: number;
  uncertainWaitMs?: number;
  sendLeaseMs?: number;
  buildLeaseMs?: number;
  /** Rows handled in parallel per step (default 16). */
  batch?: number;
}

/** The IMAP mailbox read for returns: the poller's connection settings (its handlers come from the service). */
export type ActesImapConfig = Pick<ImapPollerOptions, 'host' | 'port' | 'secure' | 'user' | 'password' | 'mailbox' | 'moveTo' | 'everyMs'>;

export interface ActesService {
  forwarder: ActesForwarder;
  mailbox: ActesMailbox | null;
  imap: ImapPoller | null;
  /** Ask @CTES for the current classification (7-1); the 7-2 answer is applied when it arrives. */
  refreshClassification(): Promise<string | null>;
  close(): Promise<void>;
}

/** `GUICHET_ACTES_FAULT=<step>` kills the hub at that step (exactly-once tests only). */
function faultFromEnv(): ActesForwarderOptions['onStep'] {
  const at = process.env.GUICHET_ACTES_FAULT as ForwarderStep | undefined;
  if (!at) return undefined;
  return (step) => {
    if (step === at) process.kill(process.pid, 'SIGKILL');
  };
}

/** Where every ministry mail's returns go, whichever way the mail came (SMTP receiver or IMAP poller). */
export function returnRouting(db: Kysely<HubDatabase>, log?: Logger): ReturnMailHandlers {
  return {
    onReturn: async (event) => {
      const outcome = await applyReturn(db, event, log);
      if (!outcome.applied) log?.warn({ type: event.type, reason: outcome.reason }, 'acts: return not matched to an act');
    },
    onIgnored: (info) => log?.info({ reason: info.reason }, 'acts: mail ignored'),
  };
}

export async function startActesService(
  db: Kysely<HubDatabase>,
  config: ActesConfig,
  log?: Logger,
  onStep?: ActesForwarderOptions['onStep'],
): Promise<ActesService> {
  await publishClassification(db);
  const endpoint: MinistryEndpoint = {
    url: config.prefectureUrl,
    caCertPem: config.prefectureCertPem,
    clientCertPem: config.clientCertPem,
    clientKeyPem: config.clientKeyPem,
    legacyProtocol: config.legacyProtocol,
    timeoutMs: config.postTimeoutMs,
  };
  const routing = returnRouting(db, log);
  const mailbox =
    config.mailboxPort === undefined ? null : await startActesMailbox({ host: config.mailboxHost, port: config.mailboxPort, ...routing });
  const imap = config.imap ? startImapPoller({ ...config.imap, ...routing, log }) : null;
  const forwarder = startActesForwarder({
    db,
    endpoint,
    tiers: config.tiers,
    log,
    maxPerHour:
      config.maxPerHour !== undefined || config.maxBytesPerHour !== undefined
        ? { count: config.maxPerHour, bytes: config.maxBytesPerHour }
        : undefined,
    windowMs: config.windowMs,
    pollMs: config.pollMs,
    backoffBaseMs: config.backoffBaseMs,
    uncertainWaitMs: config.uncertainWaitMs,
    sendLeaseMs: config.sendLeaseMs,
    buildLeaseMs: config.buildLeaseMs,
    batch: config.batch,
    onStep: onStep ?? faultFromEnv(),
  });
  // Communes that got the service since (admin CLI) receive the classification within seconds.
  const republish = setInterval(
    () => void publishClassification(db).catch((err) => log?.warn({ err }, 'acts: classification publish failed')),
    5_000,
  );
  republish.unref();
  return {
    forwarder,
    mailbox,
    imap,
    async refreshClassification() {
      const id = await requestClassification(db);
      forwarder.kick();
      return id;
    },
    async close() {
      clearInterval(republish);
      await forwarder.stop();
      await mailbox?.close();
      await imap?.close();
      closeEndpoint(endpoint);
    },
  };
}
