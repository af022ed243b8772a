#!/usr/bin/env node
// The `guichet` command. TypeScript sources run through tsx's loader, so the
// same code serves the CLI, the tests and the web host without a build step.
import { register } from 'tsx/esm/api';

register();
// `guichet … | head` closes the pipe early: stop quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
const { main } = await import('./cli/guichet.ts');
process.exitCode = await main(process.argv);
