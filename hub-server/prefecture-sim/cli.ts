import { readFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { startPrefectureSim } from './prefecture-sim.js';

/**
 * `guichet prefecture-sim …`: run the @CTES simulator as its own process and
 * drive it (letters from the prefecture). Exit codes: 0 ok, 1 refused, 2 usage,
 * 3 simulator unreachable.
 */
const DEFAULT_DATA = process.env.GUICHET_PREFSIM_DATA ?? 'prefecture-sim-data';

function parseHostPort(value: string): { host: string; port: number } {
  const m = /^([^:]+):(\d{1,5})$/.exec(value);
  if (!m) throw new Error(`--smtp attend hôte:port, reçu « ${value} »`);
  return { host: m[1], port: Number(m[2]) };
}

export function register(program: Command): void {
  const sim = program.command('prefecture-sim').description('Simulateur de la plateforme @CTES du ministère (contrôle de légalité)');

  sim
    .command('serve')
    .description('Démarre le simulateur : reçoit les archives ACTES en HTTPS et répond par courriel')
    .addOption(new Option('--port <port>', 'port HTTPS (0 = libre)').default('8443'))
    .addOption(new Option('--host <host>', "adresse d'écoute").default('127.0.0.1'))
    .addOption(new Option('--data <dir>', 'dossier des données (certificat, archives reçues)').default(DEFAULT_DATA))
    .addOption(new Option('--smtp <host:port>', 'relais SMTP où envoyer les réponses').default('127.0.0.1:2525'))
    .addOption(new Option('--classification-date <date>', 'version de classification acceptée (AAAA-MM-JJ)').default('2019-04-18'))
    .action(async (o: { port: string; host: string; data: string; smtp: string; classificationDate: string }) => {
      const s = await startPrefectureSim({
        port: Number(o.port),
        host: o.host,
        dataDir: o.data,
        smtp: parseHostPort(o.smtp),
        classificationDate: o.classificationDate,
      });
      const dir = path.resolve(o.data);
      process.stdout.write(
        `Simulateur @CTES prêt : ${s.url}/actes\nCertificat à épingler : ${path.join(dir, 'sim-cert.pem')}\nArchives reçues : ${path.join(dir, 'received')}\n`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await s.close();
    });

  sim
    .command('letter')
    .description(
      "Envoie un courrier de la préfecture (2-1 courrier simple, 3-1 demande de pièces, 4-1 lettre d'observations, 5-1 déféré) pour un acte",
    )
    .argument('<idActe>', "IDActe de l'acte concerné")
    .addOption(new Option('--type <code>', 'type de courrier').choices(['2-1', '3-1', '4-1', '5-1']).default('2-1'))
    .option('--text <texte>', 'motif ou description')
    .addOption(new Option('--data <dir>', 'dossier des données du simulateur').default(DEFAULT_DATA))
    .action(async (idActe: string, o: { type: string; text?: string; data: string }) => {
      let url: string;
      let ca: string;
      try {
        url = (JSON.parse(await readFile(path.join(o.data, 'sim.json'), 'utf8')) as { url: string }).url;
        ca = await readFile(path.join(o.data, 'sim-cert.pem'), 'utf8');
      } catch {
        process.stderr.write(`Simulateur introuvable dans ${path.resolve(o.data)} (lancez « guichet prefecture-sim serve »).\n`);
        process.exitCode = 3;
        return;
      }
      const res = await new Promise<{ status: number; body: string } | null>((resolve) => {
        const req = https.request(`${url}/admin/letters`, { method: 'POST', ca, headers: { 'content-type': 'application/json' } }, (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        });
        req.on('error', () => resolve(null));
        req.end(JSON.stringify({ idActe, type: o.type, text: o.text }));
      });
      if (!res) {
        process.stderr.write(`Simulateur injoignable à ${url}.\n`);
        process.exitCode = 3;
      } else if (res.status !== 202) {
        process.stderr.write(`${(JSON.parse(res.body) as { message?: string }).message ?? res.body}\n`);
        process.exitCode = 1;
      } else {
        process.stdout.write(`Courrier ${o.type} envoyé : ${(JSON.parse(res.body) as { fileName: string }).fileName}\n`);
      }
    });
}
