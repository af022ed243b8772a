import { Command, CommanderError } from 'commander';

/**
 * The command tree of `guichet`. Each domain registers its own verbs; this
 * file only assembles them. Exit codes: 0 success, 1 refused (bad input,
 * verification failed…), 2 usage error, 3 hub unreachable.
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('guichet')
    .description('Guichet — le guichet numérique partagé des mairies')
    .exitOverride()
    .showHelpAfterError();

  const registrars: Array<() => Promise<{ register(p: Command): void }>> = [
    () => import('../../hub-server/cli/hub-commands.js'),
    () => import('../../electron/cli/client-commands.js'),
    () => import('./demo-command.js'),
    () => import('../../hub-server/prefecture-sim/cli.js'),
    () => import('./bench-command.js'),
    () => import('../../electron/cli/sign-commands.js'),
  ];
  for (const load of registrars) {
    try {
      (await load()).register(program);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    }
  }

  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }
}
