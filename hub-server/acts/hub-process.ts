import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';

/**
 * Real hub processes and a real mail relay for the crash tests
 * (exactly-once.test.ts, two-hubs.test.ts).
 */
const ENTRY = fileURLToPath(new URL('./test-hub-entry.ts', import.meta.url));

export interface HubProcess {
  child: ChildProcess;
  url: Promise<string>;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

/** A hub process (test-hub-entry.ts) with `env` (GUICHET_TEST_HUB, GUICHET_ACTES_FAULT). */
export function spawnHub(env: Record<string, string>): HubProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', () => reject(new Error(`hub exited before ready: ${out.slice(-2000)}`)));
  });
  url.catch(() => {});
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, url, exited };
}

/**
 * Store-and-forward SMTP relay: accepts the simulator's mails and delivers
 * each one to EVERY target mailbox, keeping it for a target that is down and
 * retrying, as a real mail server would (several targets: the same return
 * mail reaches every hub instance).
 */
export async function startRelay(targetPorts: number[]) {
  type Mail = { from: string; to: string[]; raw: Buffer };
  const queues = targetPorts.map(() => [] as Mail[]);
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const mail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        };
        for (const q of queues) q.push(mail);
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  const busy = targetPorts.map(() => false);
  const timer = setInterval(() => {
    targetPorts.forEach(async (targetPort, i) => {
      const queue = queues[i];
      if (busy[i] || queue.length === 0) return;
      busy[i] = true;
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: targetPort, secure: false, ignoreTLS: true });
      try {
        while (queue.length) {
          await transport.sendMail({ envelope: { from: queue[0].from, to: queue[0].to }, raw: queue[0].raw });
          queue.shift();
        }
      } catch {
        // hub down: keep the mail, retry on the next round
      } finally {
        transport.close();
        busy[i] = false;
      }
    });
  }, 150);
  return {
    port,
    /** Mails not yet delivered, all targets together. */
    pending: () => queues.reduce((n, q) => n + q.length, 0),
    close: () => {
      clearInterval(timer);
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
