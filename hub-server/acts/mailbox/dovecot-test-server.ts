import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, chownSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { freePort } from '../test-support.js';

/**
 * A private Dovecot IMAP server for tests: its own config, sockets, state and
 * Maildir in a temp dir, listening on 127.0.0.1 only, run in the foreground
 * as a child process (no system service). CI gets the package from
 * build/ensure-system.sh (dovecot-imapd).
 */
export interface DovecotServer {
  host: string;
  port: number;
  user: string;
  password: string;
  dir: string;
  /** Stop the server, keeping its mail (restart() brings it back on the same port). */
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stop and remove everything. */
  close(): Promise<void>;
  log(): string;
}

const CANDIDATES = [
  '/usr/sbin/dovecot',
  '/usr/local/sbin/dovecot',
  ...(process.env.PATH ?? '').split(':').map((d) => path.join(d, 'dovecot')),
];

/** The dovecot binary, or null when the package is not installed. */
export function findDovecot(): string | null {
  for (const c of CANDIDATES) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next candidate
    }
  }
  return null;
}

/** uid/gid of a system account, from /etc/passwd (Node has no getpwnam). */
function account(name: string): { uid: number; gid: number } | null {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) return null;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function waitForGreeting(port: number, deadline: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = connect(port, '127.0.0.1');
      s.once('data', (d) => {
        s.destroy();
        if (d.toString().startsWith('* OK')) resolve();
        else retry(new Error(`unexpected greeting: ${d.toString().slice(0, 80)}`));
      });
      s.once('error', (err) => {
        s.destroy();
        retry(err);
      });
    };
    const retry = (err: Error) => (Date.now() > deadline ? reject(err) : setTimeout(attempt, 100));
    attempt();
  });
}

export async function startDovecot(): Promise<DovecotServer> {
  const bin = findDovecot();
  if (!bin) throw new Error('dovecot not installed');
  const dir = mkdtempSync(path.join(tmpdir(), 'guichet-dovecot-'));
  const home = path.join(dir, 'home');
  mkdirSync(path.join(dir, 'run'));
  mkdirSync(path.join(dir, 'state'));
  mkdirSync(home);
  // Dovecot refuses to open mail as root (uid 0) and to run its login process as root:
  // as root, mail and logins run as `nobody`, which must be able to reach the Maildir.
  const isRoot = process.getuid?.() === 0;
  const me = userInfo().username;
  const mailUser = isRoot ? account('nobody') : { uid: process.getuid!(), gid: process.getgid!() };
  if (!mailUser) throw new Error('no "nobody" account to run dovecot mail processes');
  if (isRoot) {
    chmodSync(dir, 0o755);
    chownSync(home, mailUser.uid, mailUser.gid);
  }
  const port = await freePort();
  const user = 'actes';
  const password = 'mot-de-passe-de-test';
  writeFileSync(path.join(dir, 'passwd'), `${user}:{PLAIN}${password}\n`, { mode: 0o600 });
  const conf = path.join(dir, 'dovecot.conf');
  writeFileSync(
    conf,
    `# Private test instance (written by dovecot-test-server.ts)
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${isRoot ? 'root' : me}
default_login_user = ${isRoot ? 'nobody' : me}
mail_location = maildir:${home}/Maildir
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${mailUser.uid} gid=${mailUser.gid} home=${home}
}
`,
  );

  let child: ChildProcess | null = null;
  const logText = () => {
    try {
      return readFileSync(path.join(dir, 'dovecot.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const start = async () => {
    const c = spawn(bin, ['-F', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    c.stderr!.on('data', (d) => (stderr += d));
    let exited = false;
    c.once('exit', () => (exited = true));
    child = c;
    try {
      await waitForGreeting(port, Date.now() + 15_000);
    } catch (err) {
      if (!exited) c.kill('SIGKILL');
      throw new Error(`dovecot did not start: ${(err as Error).message}\n${stderr}\n${logText()}`);
    }
  };
  const stop = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  };
  await start();
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    dir,
    stop,
    restart: start,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    log: logText,
  };
}
