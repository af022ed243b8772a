import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import type { Kysely } from 'kysely';
import { SERVICE_LABELS, SERVICES } from '../../shared/accounts/roles.js';
import { GuichetError } from '../../shared/errors.js';
import { KIND_LABELS } from '../../shared/accounts/collectivites.js';
import type { CommuneInfo } from '../../shared/accounts/types.js';
import {
  addCollectivite,
  createAdmin,
  issueEnrollmentCode,
  listCollectivites,
  listDevices,
  parseMemberList,
  parseServiceList,
  resetUserPassword,
  revokeDevice,
  setServices,
} from '../accounts/admin.js';
import { isPostgresUrl, openHubDb } from '../db/open.js';
import { ensurePrivateDir } from '../db/private-files.js';
import { loadHubSecretKey, registerHubSecretKey } from '../console/secret-box.js';
import type { HubDatabase } from '../db/schema.js';
import { hubSqliteFile, startHub } from '../server.js';
import { readActArchive } from '../acts/archives.js';
import { requestClassification } from '../acts/classification.js';
import { ACTES_CLI_FLAGS, ACTES_RETURNS_HELP, actesConfigFromCli, type ActesCliOptions } from '../acts/cli-config.js';
import { askHidden } from '../../build/cli/terminal.js';
import {
  addTrustAnchor,
  addTrustCrl,
  listTrustAnchors,
  listTrustCrls,
  removeTrustAnchor,
  requireListed,
  setRequireListed,
} from '../acts/trust-list.js';
import { registerConsoleCommands } from './console-commands.js';

/**
 * `guichet hub …`: run the département hub and administer it. Every verb
 * works on `--data DIR` (SQLite file DIR/hub.sqlite) or on PostgreSQL when
 * DATABASE_URL is set. Exit codes: 0 ok, 1 refused, 2 usage.
 */
const DEFAULT_DATA_DIR = process.env.GUICHET_HUB_DATA ?? 'guichet-hub-data';

export const dataOption = () =>
  new Option('--data <dir>', 'dossier des données du hub (SQLite) ; ignoré si DATABASE_URL est défini').default(DEFAULT_DATA_DIR);

export async function withDb<T>(dataDir: string, fn: (db: Kysely<HubDatabase>) => Promise<T>): Promise<T> {
  const url = process.env.DATABASE_URL;
  // The key the hub seals its agents' TOTP seeds with (secret-box.ts): the same data folder, or the environment.
  registerHubSecretKey(loadHubSecretKey(resolve(dataDir)));
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
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
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

/** The collectivité a verb is about: `--insee` for a commune, `--siren` for any (exactly one). */
export function collectiviteCode(opts: { insee?: string; siren?: string }): string {
  if ((opts.insee === undefined) === (opts.siren === undefined))
    throw new GuichetError('invalid_input', 'Indiquez la collectivité : --insee pour une commune, ou --siren.');
  return (opts.insee ?? opts.siren) as string;
}

export const addTarget = (c: Command) =>
  c.option('--insee <code>', 'code INSEE de la commune, ex. 10387').option('--siren <siren>', 'ou SIREN de la collectivité, ex. 200069250');

function describe(c: CommuneInfo): string {
  const code = c.insee !== null ? `${c.insee}, SIREN ${c.siren}` : `SIREN ${c.siren}, ${c.members.length} communes membres`;
  return `${c.name} (${code})`;
}

const serviceNames = (c: CommuneInfo) => c.services.map((s) => SERVICE_LABELS[s]).join(', ') || 'aucun';

const frDate = (iso: string) => new Date(iso).toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' });

export function printTable(rows: string[][]): void {
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
        services: { acts: actes },
        files: { quotaBytes: quotaMo * 1024 * 1024 },
      });
      process.stdout.write(`Hub Guichet à l'écoute sur ${running.url}\n`);
    }),
  );

  const admin = hub.command('admin').description('Administration du hub (collectivités, codes d’inscription, postes)');

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
    .command('add-collectivite')
    .description(
      'Inscrire une collectivité : une commune (--insee), une intercommunalité de la liste officielle (--siren), ou un syndicat déclaré par le département (--siren, --name, --members)',
    )
    .option('--insee <code>', 'commune : code INSEE, ex. 10387 (nom, arrondissement et SIREN tirés du code officiel géographique)')
    .option(
      '--siren <siren>',
      'intercommunalité ou syndicat : SIREN, ex. 200069250 (pour une commune : SIREN si le code officiel ne le donne pas)',
    )
    .option('--name <nom>', 'syndicat : son nom')
    .option('--members <liste>', 'syndicat : codes INSEE des communes membres, séparés par des virgules')
    .option('--services <list>', `services activés, séparés par des virgules (${SERVICES.join(', ')})`, '')
    .option('--json', 'sortie JSON')
    .addOption(dataOption())
    .action(
      action(
        async (opts: {
          insee?: string;
          siren?: string;
          name?: string;
          members?: string;
          services: string;
          json?: boolean;
          data: string;
        }) => {
          const services = parseServiceList(opts.services);
          const members = opts.members === undefined ? undefined : parseMemberList(opts.members);
          const added = await withDb(opts.data, (db) =>
            addCollectivite(db, { insee: opts.insee, siren: opts.siren, name: opts.name, members, services }),
          );
          if (opts.json) process.stdout.write(`${JSON.stringify(added)}\n`);
          else
            process.stdout.write(
              `Collectivité inscrite (${KIND_LABELS[added.kind].toLowerCase()}) : ${describe(added)}. Services : ${serviceNames(added)}.\n`,
            );
        },
      ),
    );

  addTarget(
    admin
      .command('set-services')
      .description("Choisir les services d'une collectivité (remplace la liste ; l'électoral est réservé aux communes)"),
  )
    .requiredOption('--services <list>', `services séparés par des virgules (${SERVICES.join(', ')}) ; vide pour aucun`)
    .addOption(dataOption())
    .action(
      action(async (opts: { insee?: string; siren?: string; services: string; data: string }) => {
        const code = collectiviteCode(opts);
        const services = parseServiceList(opts.services);
        const changed = await withDb(opts.data, (db) => setServices(db, code, services));
        process.stdout.write(`Services de ${changed.name} : ${serviceNames(changed)}.\n`);
      }),
    );

  addTarget(
    admin
      .command('enrollment-code')
      .description("Émettre un code d'inscription à usage unique (30 jours) pour le premier compte (maire, ou président d'un groupement)"),
  )
    .addOption(dataOption())
    .action(
      action(async (opts: { insee?: string; siren?: string; data: string }) => {
        const target = collectiviteCode(opts);
        const { code, expiresAt } = await withDb(opts.data, (db) => issueEnrollmentCode(db, target));
        process.stdout.write(
          `Code d'inscription : ${code}\nValable une seule fois, jusqu'au ${frDate(expiresAt)}. Notez-le : il ne sera plus affiché.\n`,
        );
      }),
    );

  admin
    .command('list-collectivites')
    .description('Lister les collectivités inscrites (communes, intercommunalités, syndicats)')
    .option('--json', 'sortie JSON')
    .addOption(dataOption())
    .action(
      action(async (opts: { json?: boolean; data: string }) => {
        const all = await withDb(opts.data, (db) => listCollectivites(db));
        if (opts.json) return void process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
        if (all.length === 0) return void process.stdout.write('Aucune collectivité inscrite.\n');
        printTable([
          ['Type', 'SIREN', 'INSEE', 'Nom', 'Membres', 'Services', 'Comptes', 'Postes actifs'],
          ...all.map((c) => [
            c.kind,
            c.siren,
            c.insee ?? '-',
            c.name,
            c.insee === null ? String(c.members.length) : '-',
            c.services.join(',') || '-',
            String(c.users),
            String(c.activeDevices),
          ]),
        ]);
      }),
    );

  addTarget(admin.command('list-devices').description("Lister les postes d'une collectivité"))
    .option('--json', 'sortie JSON')
    .addOption(dataOption())
    .action(
      action(async (opts: { insee?: string; siren?: string; json?: boolean; data: string }) => {
        const code = collectiviteCode(opts);
        const devices = await withDb(opts.data, (db) => listDevices(db, code));
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
        if (!id) throw new GuichetError('invalid_input', "Aucune collectivité n'a le service ACTES : rien à demander.");
        process.stdout.write('Demande de classification mise en file : le hub l’enverra à la préfecture et appliquera sa réponse.\n');
      }),
    );

  admin
    .command('revoke-device')
    .description('Révoquer un poste (ses sessions cessent immédiatement)')
    .requiredOption('--id <id>', 'identifiant du poste (voir list-devices)')
    .option('--reset-passwords', 'poste volé : donner un mot de passe provisoire à chaque compte qui l’a utilisé (affiché une fois)')
    .addOption(dataOption())
    .action(
      action(async (opts: { id: string; resetPasswords?: boolean; data: string }) => {
        const r = await withDb(opts.data, (db) => revokeDevice(db, opts.id, { resetPasswords: opts.resetPasswords === true }));
        process.stdout.write(`Poste « ${r.device.name} » révoqué.\n`);
        if (opts.resetPasswords !== true) return;
        if (r.passwordResets.length === 0) return void process.stdout.write('Aucun compte à réinitialiser.\n');
        process.stdout.write('Mots de passe provisoires (à communiquer de vive voix, à changer à la première connexion) :\n');
        printTable([['Compte', 'Mot de passe provisoire'], ...r.passwordResets.map((p) => [p.user.username, p.temporaryPassword])]);
      }),
    );

  addTarget(
    admin
      .command('reset-password')
      .description('Donner un mot de passe provisoire à un compte (affiché une fois, à changer à la première connexion)'),
  )
    .requiredOption('--username <identifiant>', 'identifiant du compte')
    .addOption(dataOption())
    .action(
      action(async (opts: { insee?: string; siren?: string; username: string; data: string }) => {
        const code = collectiviteCode(opts);
        const reset = await withDb(opts.data, (db) => resetUserPassword(db, code, opts.username));
        process.stdout.write(
          `Mot de passe provisoire de « ${reset.user.username} » : ${reset.temporaryPassword}\nIl ne sera plus affiché ; le compte devra le changer à sa prochaine connexion. Ses sessions sont fermées.\n`,
        );
      }),
    );

  registerTrustList(admin);
  registerConsoleCommands(admin);
}

/** `guichet hub admin trust-list add|list|remove`: the CAs the département recognises for signatures. */
function registerTrustList(admin: Command): void {
  const trust = admin
    .command('trust-list')
    .description('Liste de confiance des signatures : les autorités de certification (AC) que le département reconnaît');
  trust
    .command('add')
    .description("Ajouter le certificat d'une AC (fichier .pem ou .cer)")
    .argument('<fichier>', "certificat de l'AC, PEM ou DER")
    .addOption(dataOption())
    .action(
      action(async (file: string, opts: { data: string }) => {
        const anchor = await withDb(opts.data, (db) => addTrustAnchor(db, readFileSync(resolve(file))));
        process.stdout.write(`AC ajoutée : ${anchor.subject}\nEmpreinte SHA-256 : ${anchor.fingerprint}\n`);
      }),
    );
  trust
    .command('list')
    .description('Lister les AC reconnues')
    .addOption(dataOption())
    .action(
      action(async (opts: { data: string }) => {
        const { anchors, crls, blocking } = await withDb(opts.data, async (db) => ({
          anchors: await listTrustAnchors(db),
          crls: await listTrustCrls(db),
          blocking: await requireListed(db),
        }));
        process.stdout.write(
          blocking
            ? 'Autorités non reconnues : bloquées (signature et transmission refusées).\n'
            : 'Autorités non reconnues : avertissement seulement (trust-list require on pour les bloquer).\n',
        );
        if (anchors.length === 0) {
          process.stdout.write('La liste de confiance est vide : aucune signature ne sera dite « certificat reconnu ».\n');
          return;
        }
        printTable([['Empreinte SHA-256', 'Expire le', 'AC'], ...anchors.map((a) => [a.fingerprint, frDate(a.notAfter), a.subject])]);
        for (const c of crls)
          process.stdout.write(
            `CRL de ${c.issuer} : ${c.revoked.length} certificat(s) révoqué(s), émise le ${frDate(c.thisUpdate)}${c.nextUpdate ? `, suivante attendue le ${frDate(c.nextUpdate)}` : ''}\n`,
          );
      }),
    );
  trust
    .command('remove')
    .description("Retirer une AC (par l'empreinte que donne list)")
    .argument('<empreinte>', 'empreinte SHA-256 du certificat de l’AC')
    .addOption(dataOption())
    .action(
      action(async (fingerprint: string, opts: { data: string }) => {
        const removed = await withDb(opts.data, (db) => removeTrustAnchor(db, fingerprint));
        process.stdout.write(`AC retirée : ${removed.subject}\n`);
      }),
    );
  trust
    .command('add-crl')
    .description("Ajouter la liste de révocation (CRL) d'une AC de la liste (remplace la précédente de cette AC)")
    .argument('<fichier>', 'CRL, PEM ou DER, signée par une AC de la liste')
    .addOption(dataOption())
    .action(
      action(async (file: string, opts: { data: string }) => {
        const crl = await withDb(opts.data, (db) => addTrustCrl(db, readFileSync(resolve(file))));
        process.stdout.write(
          `CRL ajoutée pour ${crl.issuer} : ${crl.revoked.length} certificat(s) révoqué(s), émise le ${frDate(crl.thisUpdate)}.\n`,
        );
        if (crl.nextUpdate && Date.parse(crl.nextUpdate) < Date.now())
          process.stdout.write(
            `Attention : cette CRL annonçait la suivante pour le ${frDate(crl.nextUpdate)} ; ajoutez la plus récente.\n`,
          );
      }),
    );
  trust
    .command('require')
    .description('Bloquer (on) ou non (off) les autorités non reconnues : signature et transmission refusées')
    .argument('<on|off>', 'on : bloquer ; off : avertir seulement')
    .addOption(dataOption())
    .action(
      action(async (value: string, opts: { data: string }) => {
        if (value !== 'on' && value !== 'off') throw new GuichetError('invalid_input', 'Indiquez on ou off.', 'require value');
        await withDb(opts.data, (db) => setRequireListed(db, value === 'on'));
        process.stdout.write(
          value === 'on'
            ? 'Autorités non reconnues bloquées : les postes refusent de signer et le hub de transmettre avec un certificat hors de la liste.\n'
            : 'Autorités non reconnues : avertissement seulement.\n',
        );
      }),
    );
}
