import { createInterface } from 'node:readline';

/**
 * Terminal questions shared by every `guichet` verb (hub admin, client, sign).
 * Passwords are never command-line arguments (shell history, `ps`): they come
 * from an environment variable or are typed here without echo.
 */

/**
 * Reads one line without echoing it on a terminal; from a pipe, reads the
 * first line as is. Resolves null when stdin closes before a line arrives.
 */
export function askHidden(question: string): Promise<string | null> {
  return new Promise((done) => {
    const tty = process.stdin.isTTY === true;
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: tty });
    if (tty) {
      process.stderr.write(question);
      // Swallow the echo of typed characters; readline still handles editing keys.
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
    }
    let answered = false;
    rl.once('line', (line) => {
      answered = true;
      if (tty) process.stderr.write('\n');
      done(line);
      rl.close();
    });
    // 'close' also fires after a line (we close it ourselves): only an unanswered close means "no input".
    rl.once('close', () => {
      if (!answered) done(null);
    });
  });
}

/** The secret from `envVar` if set, else typed on the terminal; null when neither is possible. */
export async function secretFromEnvOrTerminal(envVar: string, question: string): Promise<string | null> {
  const fromEnv = process.env[envVar];
  if (fromEnv) return fromEnv;
  return askHidden(question);
}

/** A yes/no question; false without a terminal (scripts must pass `--yes`). */
export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise<string>((r) => rl.question(`${question} (o/N) `, r));
  rl.close();
  return /^o(ui)?$/i.test(answer.trim());
}
