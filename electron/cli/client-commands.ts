import { type Command, Option } from 'commander';
import { confirm, secretFromEnvOrTerminal } from '../../build/cli/terminal.js';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Channel, Envelope } from '../../shared/api/ipc.js';
import { GuichetError, type ErrorBody } from '../../shared/errors.js';
import { formatBirthDate } from '../../shared/electoral/format.js';
import type { ImportPreview, SearchResult } from '../../shared/electoral/ipc.js';
import { massRemovalConfirmation } from '../../shared/electoral/mass-removal.js';
import type { SessionState } from '../../shared/accounts/ipc.js';
import type { SyncState } from '../../shared/sync/ipc.js';
import { createClientCore, type ClientCore } from '../core/client-core.js';
import { createNodePlatform } from '../platform/node-platform.js';

/**
 * `guichet client …`: the headless client. Every verb goes through
 * `core.invoke`, the very API the screens use, so the CLI exercises the same
 * validation, permissions and sync as the desktop app.
 */
export const EXIT = { ok: 0, refused: 1, usage: 2, offline: 3 } as const;

const JSON_HELP = `
Sortie --json : un seul objet JSON sur la sortie standard,
  {"ok":true,"value":…}  en cas de succès (value = réponse du canal : SessionState, SyncState, SearchResult, ImportRecord…)
  {"ok":false,"error":{"code":"…","message":"…"}}  en cas de refus.
Codes de sortie : 0 succès, 1 refusé, 2 erreur d'utilisation, 3 hub injoignable.
Le mot de passe est lu dans la variable GUICHET_PASSWORD, sinon demandé au terminal.`;

function exitCodeOf(error: ErrorBody): number {
  return error.code === 'offline' || error.code === 'hub_unavailable' ? EXIT.offline : EXIT.refused;
}

interface Out {
  json: boolean;
}

/** Prints the envelope and sets the exit code; answers the value when ok. */
function report<T>(env: Envelope<T>, out: Out, human: (value: T) => string): T | null {
  if (out.json) process.stdout.write(`${JSON.stringify(env)}\n`);
  if (env.ok) {
    if (!out.json) process.stdout.write(`${human(env.value)}\n`);
    return env.value;
  }
  if (!out.json) process.stderr.write(`Erreur : ${env.error.message}\n`);
  process.exitCode = exitCodeOf(env.error);
  return null;
}

async function withCore<T>(dataDir: string, deviceName: string | undefined, run: (core: ClientCore) => Promise<T>): Promise<T | undefined> {
  const platform = createNodePlatform({ dataDir: resolve(dataDir), deviceName });
  let core: ClientCore;
  try {
    core = await createClientCore({ platform, backgroundSync: false });
  } catch (err) {
    // e.g. data written by a newer Guichet: say it in French, not as a stack trace.
    if (!(err instanceof GuichetError)) throw err;
    process.stderr.write(`Erreur : ${err.message}\n`);
    process.exitCode = EXIT.refused;
    return undefined;
  }
  try {
    return await run(core);
  } finally {
    await core.close();
  }
}

function invoke<T>(core: ClientCore, channel: Channel, input: unknown): Promise<Envelope<T>> {
  return core.invoke(channel, input) as Promise<Envelope<T>>;
}

/** Password from GUICHET_PASSWORD, or typed without echo (or piped) on stdin. */
const readPassword = () => secretFromEnvOrTerminal('GUICHET_PASSWORD', 'Mot de passe : ');

function describeSession(s: SessionState): string {
  if (s.status !== 'logged_in' || !s.user || !s.commune) return `Session : ${s.status}`;
  const code = s.commune.insee ?? `SIREN ${s.commune.siren}`;
  return `Connecté : ${s.user.displayName} (${s.user.role}) — ${s.commune.name} (${code}) via ${s.hubUrl}`;
}

function describeSync(s: SyncState): string {
  const lines = [
    `Hub ${s.online ? 'joignable' : 'injoignable'} — ${s.pending} modification(s) en attente — phase ${s.phase}`,
    `Dernière synchronisation réussie : ${s.lastSuccessAt ?? 'jamais'}`,
  ];
  if (s.lastError) lines.push(`Dernière erreur : ${s.lastError.message}`);
  if (s.massDeletion)
    lines.push(
      `Bloqué : la mise à jour supprimerait ${s.massDeletion.toDelete} élément(s) sur ${s.massDeletion.localCount} (${s.massDeletion.collection}). Confirmez depuis l'application.`,
    );
  for (const r of s.rejected) lines.push(`Refusé par le hub : ${r.summary} — ${r.reason.message}`);
  return lines.join('\n');
}

function describePreview(p: ImportPreview): string {
  const lines = [
    `Fichier ${p.fileName} (${p.encoding}) — extrait du ${p.extractDate ?? 'date inconnue'}`,
    `${p.total} électeurs : LP ${p.counts.LP}, LCM ${p.counts.LCM}, LCE ${p.counts.LCE}`,
    `Changements : ${p.diff.added} ajout(s), ${p.diff.removed} retrait(s), ${p.diff.changedBureau} changement(s) de bureau, ${p.diff.changedAddress} changement(s) d'adresse`,
  ];
  if (p.removal.massRemoval)
    lines.push(
      `ATTENTION : ${p.removal.removed} électeurs sur ${p.removal.currentTotal} (${Math.round(p.removal.share * 100)} % de la liste) seront retirés. Vérifiez que c'est le bon fichier.`,
    );
  for (const w of p.warnings) lines.push(`Attention : ${w}`);
  if (p.alreadyImported) lines.push('Ce fichier a déjà été importé : rien ne changerait.');
  return lines.join('\n');
}

function describeSearch(r: SearchResult): string {
  if (r.total === 0) return 'Aucun électeur trouvé.';
  const lines = r.items.map(
    (e) =>
      `${e.birthName}${e.usageName ? ` (${e.usageName})` : ''} ${e.firstNames} — né(e) le ${formatBirthDate(e.birthDate)} — ${e.listType} bureau ${e.bureauCode}${e.numeroOrdre !== null ? ` n°${e.numeroOrdre}` : ''}`,
  );
  lines.push(`${r.items.length} sur ${r.total} résultat(s).`);
  return lines.join('\n');
}

function usage(message: string): void {
  process.stderr.write(`${message}\n`);
  process.exitCode = EXIT.usage;
}

export function register(program: Command): void {
  const client = program
    .command('client')
    .description('Poste de mairie sans interface (même API que l’application)')
    .addHelpText('after', JSON_HELP);
  const dataOption = () => new Option('--data <dir>', 'dossier des données de ce poste').makeOptionMandatory();

  client
    .command('enroll')
    .description("Inscrire ce poste avec un code d'inscription remis par le département")
    .requiredOption('--hub <url>', 'adresse du hub')
    .requiredOption('--code <code>', "code d'inscription")
    .requiredOption('--username <u>', 'identifiant du compte à créer')
    .requiredOption('--name <nom>', 'nom affiché (ex. « Marie Dupont »)')
    .addOption(dataOption())
    .option('--device <nom>', 'nom de ce poste')
    .option('--json', 'sortie JSON')
    .action(async (o: { hub: string; code: string; username: string; name: string; data: string; device?: string; json?: boolean }) => {
      const password = await readPassword();
      if (password === null) return usage('Mot de passe manquant : définissez GUICHET_PASSWORD ou lancez la commande dans un terminal.');
      await withCore(o.data, o.device, async (core) => {
        const env = await invoke<SessionState>(core, 'session:enroll', {
          hubUrl: o.hub,
          code: o.code,
          username: o.username,
          displayName: o.name,
          password,
          deviceName: o.device ?? core.session.state().deviceName ?? (await import('node:os')).hostname(),
        });
        report(env, { json: !!o.json }, describeSession);
      });
    });

  client
    .command('login')
    .description('Se connecter à la collectivité sur ce poste')
    .requiredOption('--hub <url>', 'adresse du hub')
    .option('--insee <code>', 'code INSEE de la commune')
    .option('--siren <siren>', "ou SIREN de l'intercommunalité ou du syndicat")
    .requiredOption('--username <u>', 'identifiant')
    .addOption(dataOption())
    .option('--device <nom>', 'nom de ce poste')
    .option('--json', 'sortie JSON')
    .action(async (o: { hub: string; insee?: string; siren?: string; username: string; data: string; device?: string; json?: boolean }) => {
      const code = o.insee ?? o.siren;
      if (code === undefined || (o.insee !== undefined && o.siren !== undefined))
        return usage('Indiquez la collectivité : --insee pour une commune, ou --siren pour un groupement.');
      const password = await readPassword();
      if (password === null) return usage('Mot de passe manquant : définissez GUICHET_PASSWORD ou lancez la commande dans un terminal.');
      await withCore(o.data, o.device, async (core) => {
        const env = await invoke<SessionState>(core, 'session:login', {
          hubUrl: o.hub,
          insee: code,
          username: o.username,
          password,
          deviceName: o.device ?? (await import('node:os')).hostname(),
        });
        report(env, { json: !!o.json }, describeSession);
      });
    });

  client
    .command('import-electoral')
    .description('Importer un extrait du REU (aperçu puis confirmation), puis l’envoyer au hub')
    .argument('<file>', 'fichier CSV de l’extrait')
    .addOption(dataOption())
    .option('--yes', 'importer sans demander de confirmation')
    .option('--retrait-massif', 'confirmer un import qui retire plus de 10 % de la liste (avec --yes)')
    .option('--json', 'sortie JSON (aperçu et résultat : {"ok":…,"value":{"preview":…,"import":…,"sync":…}})')
    .action(async (file: string, o: { data: string; yes?: boolean; retraitMassif?: boolean; json?: boolean }) => {
      let content: Buffer;
      try {
        content = await readFile(file);
      } catch {
        return usage(`Fichier introuvable ou illisible : ${file}`);
      }
      await withCore(o.data, undefined, async (core) => {
        const json = !!o.json;
        if (!json) core.on('electoral:import-progress', (p) => process.stderr.write(`  ${p.phase} ${p.done}/${p.total}\r`));
        const preview = await invoke<ImportPreview>(core, 'electoral:import-preview', {
          fileName: basename(file),
          content: new Uint8Array(content),
        });
        if (!preview.ok) return void report(preview, { json }, () => '');
        if (!json) process.stdout.write(`${describePreview(preview.value)}\n`);
        const { removal } = preview.value;
        const go =
          o.yes ||
          (await confirm(
            removal.massRemoval ? `${massRemovalConfirmation(removal.removed)} Importer quand même ?` : 'Importer cette liste ?',
          ));
        if (!go) {
          await invoke(core, 'electoral:import-cancel', { previewId: preview.value.previewId });
          if (json)
            process.stdout.write(
              `${JSON.stringify({ ok: false, error: { code: 'bad_request', message: 'Import non confirmé (ajoutez --yes).' }, preview: preview.value })}\n`,
            );
          else process.stderr.write('Import annulé : rien n’a été modifié (ajoutez --yes pour confirmer sans question).\n');
          process.exitCode = EXIT.refused;
          return;
        }
        // Answering yes to the question that names the removal confirms it; --yes alone does not.
        const committed = await invoke<unknown>(core, 'electoral:import-commit', {
          previewId: preview.value.previewId,
          confirmMassRemoval: o.retraitMassif === true || (!o.yes && removal.massRemoval),
        });
        if (!committed.ok) return void report(committed, { json }, () => '');
        // Send it now; if the hub is unreachable it stays queued on this PC.
        const sync = await invoke<SyncState>(core, 'sync:now', null);
        const syncState = sync.ok ? sync.value : null;
        if (json)
          process.stdout.write(
            `${JSON.stringify({ ok: true, value: { preview: preview.value, import: committed.value, sync: syncState } })}\n`,
          );
        else {
          process.stdout.write('Import enregistré sur ce poste.\n');
          if (syncState) process.stdout.write(`${describeSync(syncState)}\n`);
        }
        if (syncState && !syncState.online) process.exitCode = EXIT.offline;
      });
    });

  client
    .command('search')
    .description('Chercher un électeur dans la liste locale')
    .argument(
      '<query>',
      'nom, prénom et/ou date de naissance : JJ/MM/AAAA, 00/MM/AAAA (jour inconnu), MM/AAAA ou AAAA (ex. « martin 1956 »)',
    )
    .addOption(dataOption())
    .option('--limit <n>', 'nombre maximal de résultats', '20')
    .option('--json', 'sortie JSON')
    .action(async (query: string, o: { data: string; limit: string; json?: boolean }) => {
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) return usage('--limit doit être un entier entre 1 et 500.');
      await withCore(o.data, undefined, async (core) => {
        report(
          await invoke<SearchResult>(core, 'electoral:search', { query, limit, offset: 0, listType: null }),
          { json: !!o.json },
          describeSearch,
        );
      });
    });

  client
    .command('sync')
    .description('Synchroniser une fois avec le hub et afficher l’état')
    .addOption(dataOption())
    .option('--json', 'sortie JSON')
    .action(async (o: { data: string; json?: boolean }) => {
      await withCore(o.data, undefined, async (core) => {
        const state = report(await invoke<SyncState>(core, 'sync:now', null), { json: !!o.json }, describeSync);
        if (state && !state.online) process.exitCode = EXIT.offline;
        else if (state && (state.lastError || state.massDeletion)) process.exitCode = EXIT.refused;
      });
    });

  client
    .command('serve')
    .description('Servir l’interface sur 127.0.0.1 (navigateur) avec la synchronisation en arrière-plan')
    .option('--hub <url>', 'adresse du hub (proposée à l’inscription)')
    .addOption(dataOption())
    .option('--port <n>', 'port local (0 = le même qu’au lancement précédent s’il est libre)', '0')
    .option(
      '--renderer <dir>',
      'interface construite (par défaut dist/renderer du dépôt)',
      fileURLToPath(new URL('../../dist/renderer', import.meta.url)),
    )
    .action(async (o: { hub?: string; data: string; port: string; renderer: string }) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) return usage('--port doit être un entier entre 0 et 65535.');
      const { startWebHost } = await import('../webhost/server.js');
      const platform = createNodePlatform({ dataDir: resolve(o.data) });
      const core = await createClientCore({ platform });
      const session = core.session.state();
      if (o.hub && session.hubUrl && session.hubUrl !== o.hub)
        process.stderr.write(`Ce poste est déjà rattaché au hub ${session.hubUrl}.\n`);
      // The data folder keeps the address (secret, and the port when none is given) across restarts.
      const host = await startWebHost({ core, port, rendererDir: resolve(o.renderer), log: platform.log, dataDir: resolve(o.data) });
      process.stdout.write(`Guichet est ouvert à l'adresse : ${host.url}\n`);
      if (o.hub && session.status === 'not_enrolled') process.stdout.write(`Hub à utiliser pour l'inscription : ${o.hub}\n`);
      await new Promise<void>((resolveStop) => {
        const stop = () => resolveStop();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await host.close();
      await core.close();
    });
}
