import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { deliverReturnMail, type ReturnMailHandlers } from './deliver-mail.js';

/**
 * The hub's ACTES mailbox: an SMTP receiver on a loopback port (a relay or
 * the département's mail server delivers to it). Each mail of the ministry is
 * parsed, its ACTES attachments read, and every return handed to `onReturn`
 * (deliverReturnMail, shared with the IMAP poller).
 * When `onReturn` fails the mail is refused with a temporary error (451), so
 * the sending server keeps it and retries instead of it being lost.
 */
export interface ActesMailboxOptions extends ReturnMailHandlers {
  host?: string;
  port?: number;
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
      deliverReturnMail(stream, opts)
        .then(() => callback())
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
  const port = (server as unknown as { server: { address(): AddressInfo } }).server.address().port;
  return { host, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
