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

  // Each top-level verb is loaded only when asked for (a `guichet hub …` run
  // never compiles the client or the simulator); `--help` loads them all.
  const signing = () => import('../../electron/cli/sign-commands.js');
  const registrars: Record<string, () => Promise<{ register(p: Command): void }>> = {
    // The hub's verbs, then the verbs a domain adds under `hub admin` (the cadastre's and MAJIC imports).
    hub: async () => {
      const [core, cadastre, owners] = await Promise.all([
        import('../../hub-server/cli/hub-commands.js'),
        import('../../hub-server/cadastre/cli.js'),
        import('../../hub-server/owners/cli.js'),
      ]);
      return {
        register(p: Command) {
          core.register(p);
          cadastre.register(p);
          owners.registerHubAdmin(p);
        },
      };
    },
    client: () => import('../../electron/cli/client-commands.js'),
    'prefecture-sim': () => import('../../hub-server/prefecture-sim/cli.js'),
    sign: signing,
    verify: signing,
    demo: () => import('./demo-command.js'),
    majic: () => import('../../hub-server/owners/cli.js'),
    bench: () => import('./bench-command.js'),
  };
  const verb = argv[2];
  const loaders = verb && verb in registrars ? [registrars[verb]!] : [...new Set(Object.values(registrars))];
  for (const load of loaders) (await load()).register(program);

  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }
}
