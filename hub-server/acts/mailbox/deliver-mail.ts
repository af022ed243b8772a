import { simpleParser } from 'mailparser';
import type { Readable } from 'node:stream';
import { extractReturns, type ActesReturnEvent } from './extract-returns.js';

/**
 * One mail of the ministry, whichever way it reached the hub (SMTP receiver
 * or IMAP poller): parsed, its ACTES attachments read, every return handed to
 * `onReturn` in order. Both paths call this so a return is read and routed the
 * same way. It rejects when `onReturn` does: the caller then keeps the mail
 * (SMTP answers 451, IMAP leaves it unseen) so nothing is lost.
 */
export interface ReturnMailHandlers {
  onReturn: (event: ActesReturnEvent) => void | Promise<void>;
  /** Mails without any readable ACTES message, or unreadable attachments (for the log). */
  onIgnored?: (info: { messageId?: string; subject?: string; reason: string }) => void;
}

export interface DeliveredMail {
  /** Returns handed to `onReturn` (all of them succeeded). */
  returns: number;
  /** The mail carried no ACTES return (reported through `onIgnored`). */
  ignored: boolean;
}

export async function deliverReturnMail(source: Buffer | Readable, handlers: ReturnMailHandlers): Promise<DeliveredMail> {
  // Only the attachments matter: skip the body conversions (link detection is costly).
  const mail = await simpleParser(source, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
  const about = { messageId: mail.messageId, subject: mail.subject };
  // Like S²LOW: a mail saying the act is handled "en multi canal" (paper) is not an ACTES return.
  if (/multi[\s-]?canal/i.test(mail.text ?? '')) {
    handlers.onIgnored?.({ ...about, reason: 'acte traité en multi canal' });
    return { returns: 0, ignored: true };
  }
  const attachments = mail.attachments.map((a) => ({ name: a.filename ?? 'sans-nom', content: a.content }));
  const { returns, unreadable } = await extractReturns(attachments);
  for (const u of unreadable) handlers.onIgnored?.({ ...about, reason: `${u.name}: ${u.reason}` });
  if (returns.length === 0) handlers.onIgnored?.({ ...about, reason: 'aucun message ACTES' });
  for (const r of returns) await handlers.onReturn(r);
  return { returns: returns.length, ignored: returns.length === 0 };
}
