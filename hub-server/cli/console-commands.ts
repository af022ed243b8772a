import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { STAFF_ROLES, type StaffRole, staffLoginSchema } from '../../shared/console/staff.js';
import { UPDATE_CHANNELS, type UpdateChannelName } from '../../shared/console/views.js';
import { GuichetError } from '../../shared/errors.js';
import { askHidden } from '../../build/cli/terminal.js';
import { hashPassword } from '../accounts/passwords.js';
import { listQueue, requeueTransmission, resolveTransmission } from '../console/acts-queue.js';
import { type AuditActor, audit } from '../console/audit.js';
import { auditCsv, setCollectiviteSettings } from '../console/fleet-store.js';
import { disableStaff, insertStaff, listStaff, resetStaffTotp } from '../console/staff-store.js';
import { publishRelease, rollback, setRollout, updatesView } from '../updates/channels.js';
import { action, addTarget, collectiviteCode, dataOption, printTable, withDb } from './hub-commands.js';

/**
 * `guichet hub admin staff|updates|actes|audit|set-channel|set-convention`: the console's actions
 * for scripts (parity with /console). Each one is written to the console's audit log as
 * `cli:<OS user>`.
 */
const cliActor = (): AuditActor => ({ staffId: null, login: `cli:${userInfo().username}`.slice(0, 100) });

function channelArg(value: string): UpdateChannelName {
  if (!(UPDATE_CHANNELS as readonly string[]).includes(value))
    throw new GuichetError('invalid_input', `Canal inconnu : ${value} (stable ou pilote).`);
  return value as UpdateChannelName;
}

function percentArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 100) throw new GuichetError('invalid_input', `Pourcentage invalide : ${value} (0 à 100).`);
  return n;
}

export function registerConsoleCommands(admin: Command): void {
  const staff = admin.command('staff').description('Comptes des agents du département (console /console)');
  staff
    .command('add')
    .description(
      'Créer un compte d’agent (mot de passe : GUICHET_STAFF_PASSWORD ou saisi au clavier ; second facteur enregistré à la première connexion)',
    )
    .requiredOption('--login <login>', 'identifiant, ex. c.martin')
    .requiredOption('--role <role>', `rôle : ${STAFF_ROLES.join(' ou ')}`)
    .option('--nom <nom>', 'nom affiché, ex. « Claire Martin »')
    .addOption(dataOption())
    .action(
      action(async (opts: { login: string; role: string; nom?: string; data: string }) => {
        const login = staffLoginSchema.safeParse(opts.login);
        if (!login.success) throw new GuichetError('invalid_input', login.error.issues[0]?.message ?? 'Identifiant invalide.');
        if (!(STAFF_ROLES as readonly string[]).includes(opts.role))
          throw new GuichetError('invalid_input', `Rôle inconnu : ${opts.role} (${STAFF_ROLES.join(' ou ')}).`);
        const password = process.env.GUICHET_STAFF_PASSWORD ?? (await askHidden('Mot de passe : '));
        if (!password || password.length < 12)
          throw new GuichetError('invalid_input', 'Mot de passe manquant ou trop court (12 caractères au moins).');
        const passwordHash = await hashPassword(password);
        await withDb(opts.data, async (db) => {
          await insertStaff(db, { login: login.data, role: opts.role as StaffRole, displayName: opts.nom ?? login.data, passwordHash });
          await audit(db, cliActor(), { action: 'agent.creer', target: login.data, detail: { role: opts.role } });
        });
        process.stdout.write(
          `Agent « ${login.data} » créé (${opts.role}). Le second facteur s’enregistre à sa première connexion sur /console.\n`,
        );
      }),
    );
  staff
    .command('list')
    .description('Lister les agents')
    .addOption(dataOption())
    .action(
      action(async (opts: { data: string }) => {
        const all = await withDb(opts.data, listStaff);
        printTable([
          ['IDENTIFIANT', 'NOM', 'RÔLE', 'SECOND FACTEUR', 'ÉTAT'],
          ...all.map((s) => [s.login, s.displayName, s.role, s.totp ? 'oui' : 'à enregistrer', s.disabled ? 'désactivé' : 'actif']),
        ]);
      }),
    );
  for (const [verb, description, fn, what] of [
    ['disable', 'Désactiver un agent (ses sessions cessent)', disableStaff, 'agent.desactiver'],
    [
      'reset-totp',
      'Oublier le second facteur d’un agent (téléphone perdu) : il en enregistre un nouveau',
      resetStaffTotp,
      'agent.second-facteur-reinitialise',
    ],
  ] as const)
    staff
      .command(verb)
      .description(description)
      .requiredOption('--login <login>', 'identifiant')
      .addOption(dataOption())
      .action(
        action(async (opts: { login: string; data: string }) => {
          await withDb(opts.data, async (db) => {
            await fn(db, opts.login);
            await audit(db, cliActor(), { action: what, target: opts.login });
          });
          process.stdout.write('Fait.\n');
        }),
      );

  addTarget(admin.command('set-channel').description('Mettre une collectivité sur le canal de mise à jour stable ou pilote'))
    .requiredOption('--canal <canal>', 'stable ou pilote')
    .addOption(dataOption())
    .action(
      action(async (opts: { insee?: string; siren?: string; canal: string; data: string }) => {
        const code = collectiviteCode(opts);
        await withDb(opts.data, (db) => setCollectiviteSettings(db, cliActor(), code, { updateChannel: channelArg(opts.canal) }));
        process.stdout.write(`Collectivité ${code} sur le canal ${opts.canal}.\n`);
      }),
    );
  addTarget(admin.command('set-convention').description('Noter la date de convention d’une collectivité'))
    .requiredOption('--date <AAAA-MM-JJ>', 'date de la convention')
    .addOption(dataOption())
    .action(
      action(async (opts: { insee?: string; siren?: string; date: string; data: string }) => {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.date)) throw new GuichetError('invalid_input', 'Date attendue au format AAAA-MM-JJ.');
        const code = collectiviteCode(opts);
        await withDb(opts.data, (db) => setCollectiviteSettings(db, cliActor(), code, { conventionDate: opts.date }));
        process.stdout.write(`Convention de ${code} : ${opts.date}.\n`);
      }),
    );

  const updates = admin.command('updates').description('Mises à jour des postes : canaux, déploiement progressif');
  updates
    .command('publish')
    .description(
      'Publier sur un canal le dossier produit par electron-builder (latest.yml ou latest-linux.yml et les fichiers qu’il nomme, sha512 vérifiés)',
    )
    .argument('<dir>', 'dossier publié par electron-builder')
    .requiredOption('--channel <canal>', 'stable ou pilote')
    .requiredOption('--updates <dir>', 'dossier des mises à jour du hub (celui de « hub serve --updates »)')
    .option('--pourcentage <n>', 'part des postes à qui la proposer d’abord (0 à 100)', '100')
    .addOption(dataOption())
    .action(
      action(async (dir: string, opts: { channel: string; updates: string; pourcentage: string; data: string }) => {
        const done = await withDb(opts.data, (db) =>
          publishRelease(db, resolve(opts.updates), {
            channel: channelArg(opts.channel),
            dir: resolve(dir),
            percentage: percentArg(opts.pourcentage),
            actor: cliActor(),
          }),
        );
        process.stdout.write(
          `Version ${done.version} publiée sur ${opts.channel} (${done.files} fichier(s)), proposée à ${opts.pourcentage} % des postes.\n`,
        );
      }),
    );
  updates
    .command('rollout')
    .description('Régler la part des postes à qui la version courante est proposée')
    .requiredOption('--channel <canal>', 'stable ou pilote')
    .requiredOption('--pourcentage <n>', '0 à 100')
    .addOption(dataOption())
    .action(
      action(async (opts: { channel: string; pourcentage: string; data: string }) => {
        await withDb(opts.data, (db) =>
          setRollout(db, channelArg(opts.channel), { stagingPercentage: percentArg(opts.pourcentage) }, cliActor()),
        );
        process.stdout.write(`Canal ${opts.channel} : ${opts.pourcentage} % des postes.\n`);
      }),
    );
  for (const [verb, paused, description] of [
    ['pause', true, 'Suspendre le déploiement : la version précédente est de nouveau proposée'],
    ['resume', false, 'Reprendre le déploiement'],
  ] as const)
    updates
      .command(verb)
      .description(description)
      .requiredOption('--channel <canal>', 'stable ou pilote')
      .addOption(dataOption())
      .action(
        action(async (opts: { channel: string; data: string }) => {
          await withDb(opts.data, (db) => setRollout(db, channelArg(opts.channel), { paused }, cliActor()));
          process.stdout.write('Fait.\n');
        }),
      );
  updates
    .command('rollback')
    .description('Retirer la version courante d’un canal (la précédente redevient courante)')
    .requiredOption('--channel <canal>', 'stable ou pilote')
    .addOption(dataOption())
    .action(
      action(async (opts: { channel: string; data: string }) => {
        const version = await withDb(opts.data, (db) => rollback(db, channelArg(opts.channel), cliActor()));
        process.stdout.write(`Canal ${opts.channel} : retour à ${version}.\n`);
      }),
    );
  updates
    .command('status')
    .description('Canaux, versions, déploiement et parc par version')
    .option('--json', 'sortie JSON')
    .addOption(dataOption())
    .action(
      action(async (opts: { json?: boolean; data: string }) => {
        const view = await withDb(opts.data, updatesView);
        if (opts.json) return void process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
        printTable([
          ['CANAL', 'VERSION', 'PRÉCÉDENTE', 'DÉPLOIEMENT', 'COLLECTIVITÉS'],
          ...view.channels.map((c) => [
            c.channel,
            c.currentVersion ?? '—',
            c.previousVersion ?? '—',
            c.paused ? 'en pause' : `${c.stagingPercentage} %`,
            String(c.collectivites),
          ]),
        ]);
        process.stdout.write('\n');
        printTable([['VERSION', 'POSTES'], ...view.fleet.map((f) => [f.version ?? 'inconnue', String(f.postes)])]);
      }),
    );

  const actes = admin.command('actes').description('File des transmissions ACTES (toutes collectivités)');
  actes
    .command('queue')
    .description('Lister les transmissions en échec ou incertaines')
    .option('--json', 'sortie JSON')
    .addOption(dataOption())
    .action(
      action(async (opts: { json?: boolean; data: string }) => {
        const rows = await withDb(opts.data, (db) => listQueue(db, ['failed', 'uncertain']));
        if (opts.json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        if (rows.length === 0) return void process.stdout.write('Aucune transmission en échec ou incertaine.\n');
        printTable([
          ['ID', 'COLLECTIVITÉ', 'TYPE', 'ÉTAT', 'ESSAIS', 'ERREUR'],
          ...rows.map((t) => [
            t.id,
            `${t.collectivite.name} (${t.collectivite.code})`,
            t.kind,
            t.state,
            String(t.attempts),
            (t.error ?? '').slice(0, 60),
          ]),
        ]);
      }),
    );
  actes
    .command('requeue')
    .description('Relancer une transmission (incertaine : même archive ; en échec : reconstruite ; jamais ce que la préfecture a reçu)')
    .requiredOption('--id <id>', 'identifiant (voir actes queue)')
    .addOption(dataOption())
    .action(
      action(async (opts: { id: string; data: string }) => {
        await withDb(opts.data, (db) => requeueTransmission(db, cliActor(), opts.id));
        process.stdout.write('Transmission relancée.\n');
      }),
    );
  actes
    .command('resolve')
    .description('Résoudre une transmission incertaine après vérification sur @CTES')
    .requiredOption('--id <id>', 'identifiant (voir actes queue)')
    .requiredOption('--issue <issue>', 'recue (elle est sur @CTES : jamais renvoyée) ou absente (elle pourra être relancée)')
    .addOption(dataOption())
    .action(
      action(async (opts: { id: string; issue: string; data: string }) => {
        if (opts.issue !== 'recue' && opts.issue !== 'absente') throw new GuichetError('invalid_input', '--issue : recue ou absente.');
        await withDb(opts.data, (db) => resolveTransmission(db, cliActor(), opts.id, opts.issue === 'recue' ? 'transmis' : 'failed'));
        process.stdout.write('Transmission résolue.\n');
      }),
    );

  admin
    .command('audit-export')
    .description('Exporter le journal de la console (CSV)')
    .option('--out <file>', 'fichier CSV (sinon la sortie standard)')
    .addOption(dataOption())
    .action(
      action(async (opts: { out?: string; data: string }) => {
        const csv = await withDb(opts.data, async (db) => {
          await audit(db, cliActor(), { action: 'journal.export' });
          return auditCsv(db);
        });
        if (opts.out) writeFileSync(resolve(opts.out), csv, { mode: 0o600 });
        else process.stdout.write(csv);
      }),
    );
}
