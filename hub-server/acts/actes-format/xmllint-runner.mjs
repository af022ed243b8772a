// Long-lived helper that runs xmllint for the hub. Plain JavaScript on purpose:
// it is started with bare `node` (no TypeScript loader) so it stays small, and
// forking xmllint from a small process is far cheaper than from the hub, whose
// event loop a fork of its large heap would stall for milliseconds each time.
// Protocol: one JSON request per line on stdin {id, args}; one JSON answer per
// line on stdout {id, code, stderr, spawnError}.
import { execFile } from 'node:child_process';
import { createInterface } from 'node:readline';

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  let req;
  try {
    req = JSON.parse(line);
  } catch {
    return;
  }
  execFile('xmllint', req.args, { maxBuffer: 64 * 1024 * 1024 }, (err, _stdout, stderr) => {
    const answer = { id: req.id, code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stderr: String(stderr ?? '') };
    if (err && err.code === 'ENOENT') answer.spawnError = 'ENOENT';
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  });
});
rl.on('close', () => process.exit(0));
