import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { createClientCore, type ClientCore } from '../../electron/core/client-core.js';
import { createNodePlatform } from '../../electron/platform/node-platform.js';
import { startWebHost } from '../../electron/webhost/server.js';
import {
  addCollectivite,
  collectiviteByCode,
  issueEnrollmentCode,
  listCollectivites,
  setServices,
} from '../../hub-server/accounts/admin.js';
import { createHubLogger } from '../../hub-server/log.js';
import { startPrefectureSim } from '../../hub-server/prefecture-sim/prefecture-sim.js';
import { startHub } from '../../hub-server/server.js';
import { addTrustAnchor } from '../../hub-server/acts/trust-list.js';
import { DEMO_P12_PASSWORD, ensureDemoCertificate, readDemoCaPem } from './demo-certificate.js';
import { importCadastre } from '../../hub-server/cadastre/import.js';
import { cadastreDb } from '../../hub-server/cadastre/tables.js';
import { setGrant } from '../../hub-server/accounts/grants.js';
import { HUB_REGISTRY } from '../../hub-server/domains.js';
import { importMajic } from '../../hub-server/owners/import.js';
import { generateMajic } from '../../shared/owners/synthetic-majic.js';
import iconv from 'iconv-lite';
import { hubSwitch } from './hub-switch.js';
import type { Channel, OutputOf } from '../../shared/api/ipc.js';
import { generateReuExtract } from '../../shared/electoral/synthetic.js';

/**
 * `guichet demo` (`npm start`): a département hub on an embedded SQLite file,
 * the prefecture simulator and the hub's ACTES return mailbox, and one town-hall
 * PC (Electron when its binary is there, otherwise the same UI through the web
 * host in a browser), with a demo commune whose mayor is enrolled and whose
 * electoral list is a synthetic extract. State is kept in `.data/demo`
 * (`--reset` starts over), so a second run finds everything as it was left.
 */
const repoRoot = resolve(import.meta.dirname, '..', '..');
const DEMO_INSEE = '10034'; // Bar-sur-Seine (Aube)
const SECOND_INSEE = '10387'; // Troyes: left for the visitor to enroll by hand
const DEMO_EPCI = '200069003'; // CC du Barséquanais en Champagne, Bar-sur-Seine's communauté: enrolled by hand too
const CADASTRE_INSEE = '25354'; // Luxiol (Doubs): the real EDIGEO sheets of test/fixtures/cadastre, loaded on the hub
const MAYOR = { username: 'maire', displayName: 'Claire Martin', password: 'demo-guichet-2026' };
/** Luxiol's mayor, enrolled by the demo itself so that the owners (MAJIC) of the commune whose plan is loaded can be consulted. */
const LUXIOL_MAYOR = { username: 'maire', displayName: 'Paul Girard', password: 'demo-guichet-2026' };

export function register(program: Command): void {
  program
    .command('demo')
    .description('Démo complète : hub, simulateur de préfecture et un poste de mairie avec une commune de démonstration')
    .option('--data <dir>', 'dossier de la démo', join(repoRoot, '.data', 'demo'))
    .option('--port <n>', 'port du hub', '8420')
    .option('--ui-port <n>', "port de l'interface (hôte web)", '8421')
    .option('--reset', 'repartir de zéro')
    .option('--no-electron', "ne pas essayer l'application Electron")
    .action(async (o: { data: string; port: string; uiPort: string; reset?: boolean; electron: boolean }) => {
      const dataDir = resolve(o.data);
      if (o.reset) rmSync(dataDir, { recursive: true, force: true });
      ensureRendererBuilt();

      const log = createHubLogger({ level: process.env.GUICHET_LOG_LEVEL ?? 'warn' });
      // The hub runs the ACTES mailbox itself: the simulator must know its port before either starts.
      const mailboxPort = await freePort();
      const sim = await startPrefectureSim({
        port: 0,
        dataDir: join(dataDir, 'prefecture'),
        smtp: { host: '127.0.0.1', port: mailboxPort },
      });
      // The hub alone can be stopped and restarted from this terminal (« h » + Entrée), to try the PC offline.
      const startDemoHub = () =>
        startHub({
          port: Number(o.port),
          dataDir: join(dataDir, 'hub'),
          log,
          handleSignals: false,
          services: {
            acts: {
              prefectureUrl: `${sim.url}/actes`,
              prefectureCertPem: sim.caCertPem,
              mailboxPort,
              tiers: { trigramme: 'GUI', quadrigramme: 'EACT', mailbox: 'actes@hub.demo.test' },
            },
          },
        });
      const hub = await startDemoHub();

      const core = await createClientCore({
        platform: createNodePlatform({ dataDir: join(dataDir, 'poste-mairie'), deviceName: 'PC de la mairie', logLevel: 'warn' }),
      });
      const lines = await seed(hub, core, dataDir);

      let ui: { url: string; close(): Promise<void> } | null = null;
      const electron = o.electron ? electronBinary() : null;
      if (electron) {
        await core.close(); // Electron opens the same data folder itself
        const child = spawn(electron, [join(repoRoot, 'dist', 'electron', 'main.cjs')], {
          stdio: 'inherit',
          env: { ...process.env, GUICHET_USER_DATA: join(dataDir, 'poste-mairie') },
        });
        child.on('exit', () => process.kill(process.pid, 'SIGINT'));
        lines.push('Client : application Electron ouverte.');
      } else {
        ui = await startWebHost({
          core,
          port: Number(o.uiPort),
          rendererDir: join(repoRoot, 'dist', 'renderer'),
          dataDir: join(dataDir, 'poste-mairie'),
        });
        lines.push(
          o.electron
            ? "Client : binaire Electron absent sur cette machine, l'interface est servie par l'hôte web."
            : "Client : l'interface est servie par l'hôte web.",
          `Ouvrez dans un navigateur : ${ui.url}`,
        );
      }
      lines.push(
        `Simulateur de préfecture (HTTPS) : ${sim.url} — archives reçues dans ${join(dataDir, 'prefecture', 'received')}`,
        '',
        'Tapez h puis Entrée pour couper le hub seul (le poste passe « Hors ligne » et garde ses modifications),',
        'h puis Entrée à nouveau pour le relancer. Ctrl+C arrête toute la démo (hub, simulateur et poste).',
      );
      process.stdout.write(`\n${lines.join('\n')}\n`);

      // « h » + Entrée: stop or restart the hub only; the PC and the simulator keep running.
      const hubKey = hubSwitch({ input: process.stdin, first: hub, start: startDemoHub, say: (l) => process.stdout.write(`${l}\n`) });

      await new Promise<void>((done) => {
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
      hubKey.close();
      process.stdin.pause();
      await ui?.close();
      if (!electron) await core.close();
      await sim.close(); // first: its pooled SMTP connections would hold the hub's mailbox
      await hubKey.current()?.close();
    });
}

async function seed(hub: Awaited<ReturnType<typeof startHub>>, core: ClientCore, dataDir: string): Promise<string[]> {
  const call = async <C extends Channel>(channel: C, input: unknown): Promise<OutputOf<C>> => {
    const res = await core.invoke(channel, input);
    if (!res.ok) throw new Error(`${channel} : ${res.error.message}`);
    return res.value as OutputOf<C>;
  };
  const registered = await listCollectivites(hub.db);
  const has = (code: string) => registered.some((c) => c.insee === code || c.siren === code);
  if (!has(DEMO_INSEE)) await addCollectivite(hub.db, { insee: DEMO_INSEE, services: ['electoral', 'acts'] });
  if (!has(SECOND_INSEE)) await addCollectivite(hub.db, { insee: SECOND_INSEE, services: ['electoral'] });
  if (!has(DEMO_EPCI)) await addCollectivite(hub.db, { siren: DEMO_EPCI, services: ['acts'] });
  // The mayor's signing certificate names the commune's SIREN; its CA is in the département's trust list
  // before the PC first fetches that list.
  const demo = (await listCollectivites(hub.db)).find((c) => c.insee === DEMO_INSEE);
  const cert = ensureDemoCertificate(join(dataDir, 'certificat-demo'), {
    name: MAYOR.displayName,
    commune: demo?.name ?? 'Bar-sur-Seine',
    siren: demo?.siren ?? '211000328',
  });
  await addTrustAnchor(hub.db, readDemoCaPem(cert));
  if (!has(CADASTRE_INSEE)) {
    // The plan is open data: the real sheets of Luxiol, as the département would load a vintage.
    await addCollectivite(hub.db, { insee: CADASTRE_INSEE, services: ['cadastre'] });
    const dir = join(repoRoot, 'test', 'fixtures', 'cadastre', 'edigeo-25354');
    await importCadastre(
      hub.db,
      readdirSync(dir).map((f) => join(dir, f)),
      { vintage: '2026-10' },
    );
  }
  await seedLuxiolOwners(hub, dataDir);

  let session = await call('session:get', null);
  if (session.status === 'not_enrolled') {
    const { code } = await issueEnrollmentCode(hub.db, DEMO_INSEE);
    session = await call('session:enroll', { hubUrl: hub.url, code, ...MAYOR, deviceName: 'PC de la mairie' });
    const extract = generateReuExtract({ seed: 2026, count: 2100, inseeCode: DEMO_INSEE, communeName: 'BAR-SUR-SEINE' });
    const preview = await call('electoral:import-preview', { fileName: extract.fileName, content: new TextEncoder().encode(extract.csv) });
    await call('electoral:import-commit', { previewId: preview.previewId });
    await call('sync:now', null);
  } else if (session.status === 'logged_out') {
    session = await call('session:login', {
      hubUrl: hub.url,
      insee: DEMO_INSEE,
      username: MAYOR.username,
      password: MAYOR.password,
      deviceName: 'PC de la mairie',
    });
  }
  if (!(await call('acts:certificate', null)))
    await call('acts:import-certificate', {
      fileName: 'certificat-maire.p12',
      content: new Uint8Array(readFileSync(cert.p12)),
      password: DEMO_P12_PASSWORD,
    });
  const second = await issueEnrollmentCode(hub.db, SECOND_INSEE);
  const epci = await issueEnrollmentCode(hub.db, DEMO_EPCI);
  return [
    `Hub du département : ${hub.url} (SQLite, ${join('hub', 'hub.sqlite')})`,
    `Commune de démonstration : ${session.commune?.name ?? 'Bar-sur-Seine'} (INSEE ${DEMO_INSEE}) — maire « ${MAYOR.username} », mot de passe « ${MAYOR.password} »`,
    `Certificat de signature du maire (déjà installé sur le poste) : ${cert.p12}, mot de passe « ${DEMO_P12_PASSWORD} » ; son AC est dans la liste de confiance du hub`,
    `Pour essayer l'inscription d'une autre mairie (Troyes, INSEE ${SECOND_INSEE}), code à usage unique : ${second.code}`,
    `Ou celle de la communauté de communes du Barséquanais (SIREN ${DEMO_EPCI}, président) : ${epci.code}`,
    `  (second poste : node build/guichet.mjs client serve --hub ${hub.url} --data .data/demo/poste-2)`,
    `Plan cadastral et propriétaires (Luxiol, INSEE ${CADASTRE_INSEE}, 511 parcelles réelles, propriétaires MAJIC synthétiques) :`,
    `  second poste : node build/guichet.mjs client serve --hub ${hub.url} --data .data/demo/poste-luxiol`,
    `  puis « Se connecter » : INSEE ${CADASTRE_INSEE}, maire « ${LUXIOL_MAYOR.username} », mot de passe « ${LUXIOL_MAYOR.password} » (autorisé à consulter les propriétaires)`,
  ];
}

/**
 * Owners (MAJIC) belong with a plan: the demo loads synthetic MAJIC files for
 * Luxiol whose parcels are drawn from Luxiol's real plan (so each owner's
 * parcel opens in the cadastre), opts Luxiol into `majic`, enrolls its mayor
 * and gives him the nominative grant `owners.read` — as a mayor would to
 * himself. Done once: a second run finds the comptes and the grant.
 */
async function seedLuxiolOwners(hub: Awaited<ReturnType<typeof startHub>>, dataDir: string): Promise<void> {
  const luxiol = (await listCollectivites(hub.db)).find((c) => c.insee === CADASTRE_INSEE);
  if (luxiol?.services.includes('majic')) return;
  await setServices(hub.db, CADASTRE_INSEE, ['cadastre', 'majic']);
  const parcels = await cadastreDb(hub.db)
    .selectFrom('cadastre_objects')
    .select('id')
    .where('collection', '=', 'cadastre.parcels')
    .where('insee', '=', CADASTRE_INSEE)
    .orderBy('id')
    .execute();
  const { files } = generateMajic({
    insee: CADASTRE_INSEE,
    communeName: 'LUXIOL',
    seed: 2026,
    comptes: 60,
    parcels: parcels.map((p) => p.id),
  });
  const dir = join(dataDir, 'majic-25354');
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), iconv.encode(text, 'latin1'));
  await importMajic(hub.db, { code: CADASTRE_INSEE, files: Object.keys(files).map((f) => join(dir, f)), millesime: 2026 });
  // The mayor enrolls as any commune does (one-time code), then grants himself the consultation of owners.
  const { code } = await issueEnrollmentCode(hub.db, CADASTRE_INSEE);
  const res = await fetch(`${hub.url}/api/v1/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, ...LUXIOL_MAYOR, deviceName: 'Inscription par la démo' }),
  });
  if (!res.ok) throw new Error(`inscription de Luxiol : ${res.status} ${await res.text()}`);
  const mayor = ((await res.json()) as { user: { id: string } }).user;
  const communeId = (await collectiviteByCode(hub.db, CADASTRE_INSEE)).id;
  await setGrant(hub.db, HUB_REGISTRY, { communeId, userId: mayor.id }, { userId: mayor.id, permission: 'owners.read', granted: true });
}

function ensureRendererBuilt(): void {
  if (existsSync(join(repoRoot, 'dist', 'renderer', 'index.html')) && existsSync(join(repoRoot, 'dist', 'electron', 'main.cjs'))) return;
  process.stdout.write("Construction de l'interface…\n");
  const res = spawnSync('npm', ['run', '--silent', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  if (res.status !== 0) throw new Error("La construction de l'interface a échoué.");
}

/** Path of the Electron binary if it is installed; never triggers its download. */
function electronBinary(): string | null {
  try {
    const pkgDir = resolve(createRequire(import.meta.url).resolve('electron/package.json'), '..');
    const pathFile = join(pkgDir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const bin = join(pkgDir, 'dist', spawnSync('cat', [pathFile], { encoding: 'utf8' }).stdout.trim());
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

/** A free loopback port, asked of the system. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolvePort(port));
    });
  });
}
