import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import type { Kysely } from 'kysely';
import { SERVICE_LABELS, SERVICES } from '../../shared/accounts/roles.js';
import { GuichetError } from '../../shared/errors.js';
import {
  addCommune,
  createAdmin,
  issueEnrollmentCode,
  listCommunes,
  listDevices,
  parseServiceList,
  revokeDevice,
  setServices,
} from '../accounts/admin.js';
import { isPostgresUrl, openHubDb } from '../db/open.js';
import { ensurePrivateDir } from '../db/private-files.js';
import type { HubDatabase } from '../db/schema.js';
import { hubSqliteFile, startHub } from '../server.js';
import { readActArchive } from '../acts/archives.js';
import { requestClassification } from '../acts/classification.js';
import { ACTES_CLI_FLAGS, ACTES_RETURNS_HELP, actesConfigFromCli, type ActesCliOptions } from '../acts/cli-config.js';
import { askHidden } from '../../build/cli/terminal.js';

/**
 * `guichet hub …`: run the département hub and administer it. Every verb
 * works on `--data DIR` (SQLite file DIR/hub.sqlite) or on PostgreSQL when
 * DATABASE_URL is set. Exit codes: 0 ok, 1 refused, 2 usage.
 */
const DEFAULT_DATA_DIR = process.env.GUICHET_HUB_DATA ?? 'guichet-hub-data';

const dataOption = () =>
  new Option('--data <dir>', 'dossier des données du hub (SQLite) ; ignoré si DATABASE_URL est défini').default(DEFAULT_DATA_DIR);

async function withDb<T>(dataDir: string, fn: (db: Kysely<HubDatabase>) => Promise<T>): Promise<T> {
  const url = process.env.DATABASE_URL;
  let db: Kysely<HubDatabase>;
  if (isPostgresUrl(url)) {
    db = await openHubDb({ url });
  } else {
    ensurePrivateDir(resolve(dataDir));
    db = await openHubDb({ file: hubSqliteFile(resolve(dataDir)) });
  }
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

/** Run a verb: a GuichetError is a refusal (French message, exit 1); anything else is reported and exits 1 too. */
function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      if (err instanceof GuichetError) {
        process.stderr.write(`Refusé : ${err.message}\n`);
      } else {
        process.stderr.write(`Erreur inattendue : ${(err as Error).message}\n`);
      }
      process.exitCode = 1;
    }
  };
}

const frDate = (iso: string) => new Date(iso).toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' });

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) {
    const line = r.map((c, i) => c.padEnd(widths[i])).join('  ');
    process.stdout.write(`${line.trimEnd()}\n`);
  }
}

export function register(program: Command): void {
  const hub = program.command('hub').description('Hub départemental : serveur et administration');

  const serve = hub
    .command('serve')
    .description('Démarrer le hub (PostgreSQL si DATABASE_URL est défini, sinon SQLite dans --data)')
    .option('--port <port>', "port d'écoute", '8420')
    .option('--host <host>', "adresse d'écoute", '127.0.0.1')
    .option('--updates <dir>', 'dossier des mises à jour du poste client, servi sous /updates/')
    .option('--quota-fichiers-actes <Mo>', 'espace des fichiers des actes par collectivité, en Mo (envois en cours compris)', '2048')
    .addOption(dataOption());
  for (const f of ACTES_CLI_FLAGS) serve.option(f.flag, `${f.description} (ou ${f.env})`);
  serve.addHelpText('after', ACTES_RETURNS_HELP);
  serve.action(
    action(async (opts: { port: string; host: string; data: string; updates?: string; quotaFichiersActes: string } & ActesCliOptions) => {
      const port = Number.parseInt(opts.port, 10);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new GuichetError('invalid_input', `Port invalide : ${opts.port}.`);
      const quotaMo = Number(opts.quotaFichiersActes);
      if (!Number.isInteger(quotaMo) || quotaMo < 1)
        throw new GuichetError(
          'invalid_input',
          `Quota des fichiers des actes invalide : ${opts.quotaFichiersActes} (un nombre de Mo attendu).`,
        );
      const actes = actesConfigFromCli(opts);
      const running = await startHub({
        port,
        host: opts.host,
        dbUrl: process.env.DATABASE_URL,
        dataDir: resolve(opts.data),
        updatesDir: opts.updates ? resolve(opts.updates) : undefined,
        handleSignals: true,
        actes,
        actsFiles: { quotaBytes: quotaMo * 1024 * 1024 },
      });
      process.stdout.write(`Hub Guichet à l'écoute sur ${running.url}\n`);
    }),
  );

  const admin = hub.command('admin').description('Administration du hub (communes, codes d’inscription, postes)');

  admin
    .command('create-admin')
    .description('Créer un administrateur départemental (mot de passe : GUICHET_ADMIN_PASSWORD ou saisi au clavier)')
    .requiredOption('--username <username>', 'identifiant')
    .addOption(dataOption())
    .action(
      action(async (opts: { username: string; data: string }) => {
        const password = process.env.GUICHET_ADMIN_PASSWORD ?? (await askHidden('Mot de passe : '));
        if (password === null)
          throw new GuichetError(
            'invalid_input',
            'Mot de passe manquant : définissez GUICHET_ADMIN_PASSWORD ou lancez la commande dans un terminal.',
          );
        if (!process.env.GUICHET_ADMIN_PASSWORD && process.stdin.isTTY && (await askHidden('Confirmez le mot de passe : ')) !== password) {
          throw new GuichetError('invalid_input', 'Les deux mots de passe ne sont pas identiques.');
        }
        await withDb(opts.data, (db) => createAdmin(db, opts.username, password));
        process.stdout.write(`Administrateur « ${opts.username} » créé.\n`);
      }),
    );

  admin
    .command('add-commune')
    .description('Inscrire une commune (nom, arrondissement et SIREN tirés du code officiel géographique)')
    .requiredOption('--insee <code>', 'code INSEE de la commune, ex. 10387')
    .option('--siren <siren>', 'SIREN (par défaut celui du code officiel géographique)')
    .option('--services <list>', `services activés, séparés par des virgules (${SERVICES.join(', ')})`, '')
    .option('--json', 'sortie JSON')
    .addOption(dataOption())
    .action(
      action(async (opts: { insee: string; siren?: string; services: string; json?: boolean; data: string }) => {
        const services = parseServiceList(opts.services);
        const commune = await withDb(opts.data, (db) => addCommune(db, { insee: opts.insee, siren: opts.siren, services }));
        if (opts.json) process.stdout.write(`${JSON.stringify(commune)}\n`);
        else
          process.stdout.write(
            `Commune inscrite : ${commune.name} (${commune.insee}, SIREN ${commune.siren}). Services : ${commune.services.map((s) => SERVICE_LABELS[s]).join(', ') || 'aucun'}.\n`,
          );
      }),
    );

  admin
    .command('set-services')
    .description("Choisir les services d'une commune (remplace la liste)")
    .requiredOption('--insee <code>', 'code INSEE')
    .requiredOption('--services <list>', `services séparés par des virgules (${SERVICES.join(', ')}) ; vide pour aucun`)
    .addOption(dataOption())
    .action(
      action(async (opts: { insee: string; services: string; data: string }) => {
        const services = parseServiceList(opts.services);
        const commune = await withDb(opts.data, (db) => setServices(db, opts.insee, services));
        process.stdout.write(`Services de ${commune.name} : ${commune.services.map((s) => SERVICE_LABELS[s]).join(', ') || 'aucun'}.\n`);
      }),
    );

  admin
    .command('enrollment-code')
    .description("Émettre un code d'inscription à usage unique (30 jours) pour le premier compte (maire)")
    .requiredOption('--insee <code>', 'code INSEE')
    .addOption(dataOption())
    .action(
      action(async (opts: { insee: string; data: string }) => {
        const { code, expiresAt } = await withDb(opts.data, (db) => issueEnrollmentCode(db, opts.insee));
        process.stdout.write(
          `Code d'inscription : ${code}\nValable une seule fois, jusqu'au ${frDate(expiresAt)}. Notez-le : il ne sera plus affiché.\n`,
        );
      }),
    );

  admin
    .command('list-communes')
    .description('Lister les communes inscrites')
    .option('--json', 'sortie JSON')
    .addOption(dataOption())
    .action(
      action(async (opts: { json?: boolean; data: string }) => {
        const communes = await withDb(opts.data, (db) => listCommunes(db));
        if (opts.json) return void process.stdout.write(`${JSON.stringify(communes, null, 2)}\n`);
        if (communes.length === 0) return void process.stdout.write('Aucune commune inscrite.\n');
        printTable([
          ['INSEE', 'Commune', 'Services', 'Comptes', 'Postes actifs'],
          ...communes.map((c) => [c.insee, c.name, c.services.join(',') || '-', String(c.users), String(c.activeDevices)]),
        ]);
      }),
    );

  admin
    .command('list-devices')
    .description("Lister les postes d'une commune")
    .requiredOption('--insee <code>', 'code INSEE')
    .option('--json', 'sortie JSON')
    .addOption(dataOption())
    .action(
      action(async (opts: { insee: string; json?: boolean; data: string }) => {
        const devices = await withDb(opts.data, (db) => listDevices(db, opts.insee));
        if (opts.json) return void process.stdout.write(`${JSON.stringify(devices, null, 2)}\n`);
        if (devices.length === 0) return void process.stdout.write('Aucun poste.\n');
        printTable([
          ['Id', 'Poste', 'Compte', 'Inscrit le', 'Vu le', 'État'],
          ...devices.map((d) => [
            d.id,
            d.name,
            d.username,
            frDate(d.createdAt),
            d.lastSeenAt ? frDate(d.lastSeenAt) : '-',
            d.revoked ? 'révoqué' : 'actif',
          ]),
        ]);
      }),
    );

  admin
    .command('act-archive')
    .description("Extraire l'archive ACTES transmise à la préfecture pour un acte (audit)")
    .requiredOption('--id <id>', "identifiant de l'acte")
    .requiredOption('--out <fichier>', 'fichier .tar.gz à écrire')
    .addOption(dataOption())
    .action(
      action(async (opts: { id: string; out: string; data: string }) => {
        const found = await withDb(opts.data, (db) => readActArchive(db, opts.id, null));
        if (!found) throw new GuichetError('not_found', `Aucune archive transmise pour l'acte ${opts.id}.`);
        writeFileSync(resolve(opts.out), found.archive);
        process.stdout.write(`Archive ${found.name} écrite dans ${resolve(opts.out)} (${found.archive.length} octets).\n`);
      }),
    );

  admin
    .command('actes-classification')
    .description('Demander à la préfecture la classification des actes à jour (message 7-1, envoyé par le hub en service)')
    .addOption(dataOption())
    .action(
      action(async (opts: { data: string }) => {
        const id = await withDb(opts.data, (db) => requestClassification(db));
        if (!id) throw new GuichetError('invalid_input', "Aucune commune n'a le service ACTES : rien à demander.");
        process.stdout.write('Demande de classification mise en file : le hub l’enverra à la préfecture et appliquera sa réponse.\n');
      }),
    );

  admin
    .command('revoke-device')
    .description('Révoquer un poste (ses sessions cessent immédiatement)')
    .requiredOption('--id <id>', 'identifiant du poste (voir list-devices)')
    .addOption(dataOption())
    .action(
      action(async (opts: { id: string; data: string }) => {
        const device = await withDb(opts.data, (db) => revokeDevice(db, opts.id));
        process.stdout.write(`Poste « ${device.name} » révoqué.\n`);
      }),
    );
}
