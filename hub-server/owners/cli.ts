import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
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
