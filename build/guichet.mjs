#!/usr/bin/env node
// The `guichet` command. TypeScript sources run through tsx's loader, so the
// same code serves the CLI, the tests and the web host without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli/guichet.ts');
process.exitCode = await main(process.argv);
