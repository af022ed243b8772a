import { createInterface } from 'node:readline';

/**
 * Ask for a password on the terminal without echoing it. When stdin is not a
 * terminal (piped), the first line is read as is.
 */
export function askHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const tty = process.stdin.isTTY === true;
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: tty });
    if (tty) {
      process.stderr.write(question);
      // Swallow the echo of typed characters; readline still handles editing keys.
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
    }
    rl.once('line', (line) => {
      if (tty) process.stderr.write('\n');
      rl.close();
      resolve(line);
    });
    rl.once('close', () => reject(new Error('stdin closed')));
  });
}
