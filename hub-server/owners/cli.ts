import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { action, addTarget, collectiviteCode, dataOption, withDb } from '../cli/hub-commands.js';
import { importMajic } from './import.js';
import iconv from 'iconv-lite';
import { generateMajic } from '../../shared/owners/synthetic-majic.js';

/** `guichet majic generate`: synthetic MAJIC files (never real people), latin-1 as the DGFiP delivers them. */
export function register(program: Command): void {
  program
    .command('majic')
    .description('Fichiers MAJIC synthétiques (tests, démonstration)')
    .command('generate')
    .description('Écrire REVPROP, REVNBAT, REVBATI, REVFPDL, REVD166 et TOPO synthétiques pour une commune')
    .requiredOption('--insee <code>', 'code INSEE de la commune, ex. 10034')
    .requiredOption('--out <dossier>', 'dossier où écrire les fichiers')
    .option('--name <nom>', 'nom de la commune', 'BAR-SUR-SEINE')
    .option('--seed <n>', 'graine (même graine, mêmes fichiers)', '1')
    .option('--comptes <n>', 'comptes de personnes physiques (les pièges s’y ajoutent)', '40')
    .action((opts: { insee: string; out: string; name: string; seed: string; comptes: string }) => {
      const { files } = generateMajic({
        insee: opts.insee,
        communeName: opts.name,
        seed: Number(opts.seed),
        comptes: Number(opts.comptes),
      });
      const dir = resolve(opts.out);
      mkdirSync(dir, { recursive: true });
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), iconv.encode(text, 'latin1'));
      process.stdout.write(`${Object.keys(files).length} fichiers MAJIC synthétiques écrits dans ${dir}.\n`);
    });
}

/** `guichet hub admin import-majic`, added to the `hub admin` tree built by hub-server/cli/hub-commands.ts. */
export function registerHubAdmin(program: Command): void {
  const admin = program.commands.find((c) => c.name() === 'hub')?.commands.find((c) => c.name() === 'admin');
  if (!admin) return;
  addTarget(
    admin
      .command('import-majic')
      .description(
        'Charger les fichiers MAJIC (propriétaires) d’une commune pour une collectivité ayant le service « majic » (tout ou rien)',
      ),
  )
    .argument('<fichiers...>', 'REVPROP, REVNBAT (obligatoires), REVBATI, REVFPDL, REVD166, TOPO')
    .requiredOption('--millesime <année>', 'millésime des fichiers, ex. 2026')
    .option('--commune <insee>', 'commune du territoire (pour un groupement ; une commune : elle-même)')
    .addOption(dataOption())
    .action(
      action(async (files: string[], opts: { insee?: string; siren?: string; commune?: string; millesime: string; data: string }) => {
        const code = collectiviteCode(opts);
        const s = await withDb(opts.data, (db) =>
          importMajic(db, { code, insee: opts.commune, files: files.map((f) => resolve(f)), millesime: Number(opts.millesime) }),
        );
        process.stdout.write(
          `MAJIC ${opts.millesime} chargé pour ${s.collectivite} (commune ${s.insee}) : ${s.comptes} comptes, ${s.owners} propriétaires, ${s.parcels} parcelles ; ${s.written} comptes écrits, ${s.removed} retirés.\n`,
        );
      }),
    );
}
