import { ImapFlow } from 'imapflow';
import type { Logger } from 'pino';
import { deliverReturnMail, type ReturnMailHandlers } from './deliver-mail.js';

/**
 * The other way returns reach the hub: an existing mailbox (the département's
 * mail server) polled over IMAP, as S²LOW's ActesImapRetrieve does. Each
 * unseen mail goes through deliverReturnMail, the same code as the SMTP
 * receiver's; it is marked \Seen (and moved to `moveTo` when set) only after
 * its returns were applied. When applying fails the mail stays unseen and the
 * next poll tries again; when the flag is lost (crash between the two), the
 * mail is applied a second time, which changes nothing (applyReturn is
 * idempotent). Connection failures are logged and retried with backoff: the
 * poller never throws into the hub.
 */
export interface ImapPollerOptions extends ReturnMailHandlers {
  host: string;
  port: number;
  /** TLS from the first byte (imaps, 993). Otherwise STARTTLS is required off loopback. */
  secure: boolean;
  user: string;
  password: string;
  mailbox?: string;
  /** Folder where handled mails are moved (created if missing), e.g. `Traités`; omit to leave them in place, seen. */
  moveTo?: string;
  /** Pause between polls (default one minute). */
  everyMs?: number;
  /** Delay before the first poll (default 0: mails that came while the hub was down are read at start). */
  firstPollMs?: number;
  /** First retry delay after a connection failure, doubled up to `backoffMaxMs`. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  log?: Logger;
}

export interface ImapPollReport {
  /** Unseen mails found. */
  unseen: number;
  /** Mails whose returns were all applied (now seen). */
  applied: number;
  /** Mails without any ACTES return (now seen, reported through onIgnored). */
  ignored: number;
  /** Mails whose returns could not be applied (left unseen, retried next poll). */
  failed: number;
}

export interface ImapPoller {
  /** Poll now (after any poll in progress). Rejects when the server cannot be reached. */
  pollNow(): Promise<ImapPollReport>;
  /** Stop polling, let the poll in progress finish, log out. */
  close(): Promise<void>;
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');

/** Only what helps an operator; never the account's name or password. */
const errInfo = (err: unknown) => ({ code: (err as { code?: string }).code, message: (err as Error).message });

export function startImapPoller(opts: ImapPollerOptions): ImapPoller {
  const mailbox = opts.mailbox ?? 'INBOX';
  const everyMs = opts.everyMs ?? 60_000;
  const backoffBaseMs = opts.backoffBaseMs ?? 1_000;
  const backoffMaxMs = opts.backoffMaxMs ?? 5 * 60_000;
  const log = opts.log;
  let client: ImapFlow | null = null;
  let folderReady = false;
  let failures = 0;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  const drop = () => {
    const c = client;
    client = null;
    folderReady = false;
    c?.close();
  };

  async function connected(): Promise<ImapFlow> {
    if (client?.usable) return client;
    drop();
    const c = new ImapFlow({
      host: opts.host,
      port: opts.port,
      secure: opts.secure,
      // The password must not cross the network in clear: off loopback, refuse a server without STARTTLS.
      doSTARTTLS: opts.secure ? undefined : isLoopback(opts.host) ? undefined : true,
      auth: { user: opts.user, pass: opts.password },
      logger: false,
      // We poll; IDLE between polls would only hold a connection open for nothing.
      disableAutoIdle: true,
      connectionTimeout: 30_000,
      greetingTimeout: 16_000,
      socketTimeout: 5 * 60_000,
    });
    // Without a listener an 'error' event would crash the hub; the next poll reconnects.
    c.on('error', (err) => log?.warn(errInfo(err), 'acts: IMAP connection error'));
    try {
      await c.connect();
    } catch (err) {
      c.close();
      throw err;
    }
    client = c;
    return c;
  }

  async function pollOnce(): Promise<ImapPollReport> {
    const report: ImapPollReport = { unseen: 0, applied: 0, ignored: 0, failed: 0 };
    const c = await connected();
    if (opts.moveTo && !folderReady) {
      await c.mailboxCreate(opts.moveTo);
      folderReady = true;
    }
    const lock = await c.getMailboxLock(mailbox);
    try {
      // The mailbox stays selected between polls: NOOP makes the server report what arrived since.
      await c.noop();
      const uids = (await c.search({ seen: false }, { uid: true })) || [];
      report.unseen = uids.length;
      for (const uid of uids) {
        if (closed) break;
        // `source` is fetched with BODY.PEEK: reading does not mark the mail seen.
        const msg = await c.fetchOne(String(uid), { source: true }, { uid: true });
        // `false` (or no source) when expunged by someone else meanwhile.
        const source = msg ? msg.source : undefined;
        if (!source) continue;
        let ignored: boolean;
        try {
          ignored = (await deliverReturnMail(source, opts)).ignored;
        } catch (err) {
          report.failed++;
          log?.warn({ uid, ...errInfo(err) }, 'acts: IMAP return not applied, mail left unseen for the next poll');
          continue;
        }
        await c.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
        if (opts.moveTo) await c.messageMove(String(uid), opts.moveTo, { uid: true });
        if (ignored) report.ignored++;
        else report.applied++;
      }
    } finally {
      lock.release();
    }
    if (report.unseen > 0) log?.info(report, 'acts: IMAP mailbox polled');
    return report;
  }

  function pollNow(): Promise<ImapPollReport> {
    if (closed) return Promise.reject(new Error('IMAP poller closed'));
    const run = queue.then(() =>
      pollOnce().catch((err) => {
        // A broken connection is rebuilt from scratch on the next poll.
        drop();
        throw err;
      }),
    );
    queue = run.catch(() => undefined);
    return run;
  }

  const schedule = (delayMs: number) => {
    if (closed) return;
    timer = setTimeout(tick, delayMs);
    // The hub's HTTP server keeps the process alive; the poller alone must not.
    timer.unref();
  };

  async function tick() {
    timer = null;
    try {
      await pollNow();
      failures = 0;
    } catch (err) {
      if (closed) return;
      failures++;
      log?.warn({ failures, ...errInfo(err) }, 'acts: IMAP poll failed, retrying later');
    }
    schedule(failures ? Math.min(backoffMaxMs, backoffBaseMs * 2 ** (failures - 1)) : everyMs);
  }

  schedule(opts.firstPollMs ?? 0);

  return {
    pollNow,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await queue;
      const c = client;
      client = null;
      if (c?.usable) await c.logout().catch(() => c.close());
      else c?.close();
    },
  };
}
