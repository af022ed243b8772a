import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { extractReturns, type ActesReturnEvent } from './extract-returns.js';

/**
 * The hub's ACTES mailbox: an SMTP receiver on a loopback port (a relay or
 * the département's mail server delivers to it). Each mail of the ministry is
 * parsed, its ACTES attachments read, and every return handed to `onReturn`.
 * When `onReturn` fails the mail is refused with a temporary error (451), so
 * the sending server keeps it and retries instead of it being lost.
 */
export interface ActesMailboxOptions {
  host?: string;
  port?: number;
  onReturn: (event: ActesReturnEvent) => void | Promise<void>;
  /** Mails without any readable ACTES message, or unreadable attachments (for the log). */
  onIgnored?: (info: { messageId?: string; subject?: string; reason: string }) => void;
  maxBytes?: number;
}

export interface ActesMailbox {
  host: string;
  port: number;
  close(): Promise<void>;
}

export async function startActesMailbox(opts: ActesMailboxOptions): Promise<ActesMailbox> {
  const host = opts.host ?? '127.0.0.1';
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: opts.maxBytes ?? 200 * 1024 * 1024,
    logger: false,
    banner: 'Guichet - boîte ACTES',
    onData(stream, _session, callback) {
      // Only the attachments matter: skip the body conversions (link detection is costly).
      simpleParser(stream, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true })
        .then(async (mail) => {
          // Like S²LOW: a mail saying the act is handled "en multi canal" (paper) is not an ACTES return.
          if (/multi[\s-]?canal/i.test(mail.text ?? '')) {
            opts.onIgnored?.({ messageId: mail.messageId, subject: mail.subject, reason: 'acte traité en multi canal' });
            return callback();
          }
          const attachments = mail.attachments.map((a) => ({ name: a.filename ?? 'sans-nom', content: a.content }));
          const { returns, unreadable } = await extractReturns(attachments);
          for (const u of unreadable) opts.onIgnored?.({ messageId: mail.messageId, subject: mail.subject, reason: `${u.name}: ${u.reason}` });
          if (returns.length === 0) opts.onIgnored?.({ messageId: mail.messageId, subject: mail.subject, reason: 'aucun message ACTES' });
          for (const r of returns) await opts.onReturn(r);
          callback();
        })
        .catch((err: Error) => {
          const e = new Error(`Traitement impossible, réessayez plus tard: ${err.message}`) as Error & { responseCode: number };
          e.responseCode = 451;
          callback(e);
        });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  server.on('error', () => {
    // Connection-level errors (client hang-up) must not crash the hub.
  });
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address()).port;
  return { host, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
