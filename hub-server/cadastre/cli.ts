import { resolve } from 'node:path';
import type { Command } from 'commander';
import { action, addTarget, collectiviteCode, dataOption, withDb } from '../cli/hub-commands.js';
import { importCadastre } from './import.js';
import { publishCadastreFor } from './publish.js';
import { currentQuarterVintage } from './vintage.js';

/** `guichet hub admin import-cadastre FILES… [--vintage AAAA-MM]`: the département loads a vintage of the PCI vecteur. */
export function register(program: Command): void {
  const admin = program.commands.find((c) => c.name() === 'hub')?.commands.find((c) => c.name() === 'admin');
  if (!admin) throw new Error('hub admin must be registered first');
  admin
    .command('import-cadastre')
    .description(
      'Charger un millésime du plan cadastral (PCI vecteur) : feuilles EDIGEO edigeo-….tar.bz2 et/ou couches Etalab cadastre-<code>-<couche>.json.gz ; envoyé aux collectivités qui couvrent chaque commune',
    )
    .argument('<fichiers...>', 'feuilles EDIGEO ou couches GeoJSON Etalab')
    .option('--vintage <AAAA-MM>', 'millésime de la publication DGFiP (par défaut : le trimestre en cours)')
    .addOption(dataOption())
    .action(
      action(async (files: string[], opts: { vintage?: string; data: string }) => {
        const vintage = opts.vintage ?? currentQuarterVintage();
        const summaries = await withDb(opts.data, (db) =>
          importCadastre(
            db,
            files.map((f) => resolve(f)),
            { vintage, progress: (line) => process.stdout.write(`${line}\n`) },
          ),
        );
        for (const s of summaries) {
          const d = s.diff.counts;
          const since = s.diff.previous
            ? ` ; depuis ${s.diff.previous} : ${d.added} nouvelles, ${d.removed} disparues, ${d.changed} modifiées, ${d.divisions} divisions, ${d.merges} réunions`
            : '';
          const rejected = s.rejected > 0 ? ` ; ${s.rejected} objet(s) secondaires sans tracé valide, non chargés (voir le journal)` : '';
          process.stdout.write(
            `${s.name} (${s.insee}), millésime ${s.vintage} : ${s.parcels} parcelles, ${s.features} autres objets${since}${rejected}.\n`,
          );
        }
      }),
    );

  addTarget(
    admin
      .command('publish-cadastre')
      .description(
        'Envoyer à une collectivité le plan cadastral déjà chargé de son territoire (fait aussi par set-services quand le service Cadastre est choisi)',
      ),
  )
    .addOption(dataOption())
    .action(
      action(async (opts: { insee?: string; siren?: string; data: string }) => {
        const code = collectiviteCode(opts);
        const r = await withDb(opts.data, (db) => publishCadastreFor(db, code));
        process.stdout.write(published(r));
      }),
    );

  // Opting into the Cadastre service sends the plan already loaded, not only the next vintage's.
  const setServices = admin.commands.find((c) => c.name() === 'set-services');
  setServices?.hook('postAction', async (command) => {
    const opts = command.opts<{ insee?: string; siren?: string; services: string; data: string }>();
    if (
      process.exitCode ||
      !opts.services
        .split(',')
        .map((s) => s.trim())
        .includes('cadastre')
    )
      return;
    await action(async () => {
      const r = await withDb(opts.data, (db) => publishCadastreFor(db, collectiviteCode(opts)));
      process.stdout.write(published(r));
    })();
  });
}

function published(r: { name: string; communes: number; written: number }): string {
  return r.written > 0
    ? `Plan cadastral envoyé à ${r.name} : ${r.written} objet(s) de ${r.communes} commune(s), reçus à la prochaine synchronisation.\n`
    : `Plan cadastral de ${r.name} déjà à jour (${r.communes} commune(s) ; une commune sans millésime chargé n'envoie rien).\n`;
}
