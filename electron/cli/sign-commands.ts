import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { secretFromEnvOrTerminal } from '../../build/cli/terminal.js';
import { GuichetError } from '../../shared/errors.js';
import { describeCertificate, frenchDate } from '../signing/certificate.js';
import { signingKeyFromPkcs12 } from '../signing/key-store.js';
import { signPdf } from '../signing/pades.js';
import { trustListSchema } from '../../shared/acts/hub-routes.js';
import { signatureVerdict } from '../../shared/acts/signer-certificate.js';
import { pemCertificates } from '../signing/trust.js';
import { isIntact, verifyPdf, type SignatureReport, type VerifyOptions } from '../signing/verify.js';

/**
 * `guichet sign` and `guichet verify`: local PAdES signing with the commune's PKCS#12.
 * The password is never an argument (it would land in the shell history and `ps`):
 * it comes from GUICHET_P12_PASSWORD or is typed on the terminal without echo.
 * Exit codes: 0 done, 1 refused (bad password, expired certificate, invalid signature…), 2 usage.
 */
class UsageError extends Error {}

async function run(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
      process.exitCode = 2;
    } else if (err instanceof GuichetError) {
      console.error(err.message);
      process.exitCode = 1;
    } else if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      console.error(`Fichier introuvable : ${(err as NodeJS.ErrnoException).path ?? ''}`);
      process.exitCode = 1;
    } else {
      console.error(`Erreur inattendue : ${(err as Error).message}`);
      process.exitCode = 1;
    }
  }
}

/**
 * The département's trust list: a PEM bundle (`--trust-list`), the JSON the hub serves (saved
 * to a file, or `--hub URL` fetched here); null when none was given.
 */
async function trustAnchors(opts: { trustList?: string; hub?: string }): Promise<VerifyOptions | null> {
  if (opts.trustList) {
    const text = await readFile(opts.trustList, 'utf8');
    if (text.trimStart().startsWith('{')) return parseTrustList(JSON.parse(text));
    const pems = pemCertificates(text);
    if (pems.length === 0) throw new UsageError(`Aucun certificat PEM dans ${opts.trustList}.`);
    // A PEM bundle carries no CRL: revocation is judged with the hub's JSON only.
    return { trustAnchors: pems };
  }
  if (opts.hub) {
    const url = `${opts.hub.replace(/\/+$/, '')}/api/v1/trust-list`;
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
    } catch (err) {
      throw new GuichetError('offline', `Le hub ${opts.hub} est injoignable.`, (err as Error).message);
    }
    if (!res.ok) throw new GuichetError('hub_unavailable', `Le hub a refusé la liste de confiance (HTTP ${res.status}).`);
    return parseTrustList(await res.json());
  }
  return null;
}

function parseTrustList(json: unknown): VerifyOptions {
  const parsed = trustListSchema.safeParse(json);
  if (!parsed.success) throw new UsageError('Liste de confiance illisible (JSON du hub attendu).');
  return { trustAnchors: parsed.data.anchors.map((a) => a.pem), crls: parsed.data.crls };
}

function describeSignature(s: SignatureReport, index: number, withTrust: boolean): string[] {
  const intact = isIntact(s);
  const verdict = withTrust
    ? signatureVerdict({ intact, trusted: s.trust?.trusted === true, ca: s.trust?.ca ?? null, problem: s.trust?.problem ?? null })
    : intact
      ? 'valide'
      : 'INVALIDE';
  const lines = [`Signature n°${index + 1}${s.fieldName ? ` (${s.fieldName})` : ''} : ${verdict}`];
  lines.push(`  Signataire : ${s.signerName ?? '(inconnu)'}`);
  if (s.certificate) lines.push(`  Certificat : ${s.certificate.subject} — émis par ${s.certificate.issuer ?? '(inconnu)'}`);
  if (s.signingTime) lines.push(`  Signée le : ${s.signingTime.toISOString()}`);
  if (s.certificate) lines.push(`  Certificat valable du ${frenchDate(s.certificate.notBefore)} au ${frenchDate(s.certificate.notAfter)}`);
  lines.push(`  Empreinte du document : ${s.digestOk ? 'conforme' : 'NON CONFORME (document modifié après signature)'}`);
  lines.push(`  Signature cryptographique : ${s.signatureOk ? 'correcte' : 'INCORRECTE'}`);
  if (s.signingCertificateOk !== null) lines.push(`  Lien signature-certificat : ${s.signingCertificateOk ? 'correct' : 'INCORRECT'}`);
  lines.push(
    s.coversWholeDocument
      ? '  Couvre tout le document.'
      : '  Ne couvre pas tout le document : des ajouts ont suivi (autre signature par exemple).',
  );
  if (s.problem) lines.push(`  Problème : ${s.problem}`);
  return lines;
}

export function register(program: Command): void {
  program
    .command('sign')
    .description(
      'Signe un PDF (PAdES) avec le certificat de la commune (fichier .p12) ; mot de passe via GUICHET_P12_PASSWORD ou saisi au clavier',
    )
    .argument('<pdf>', 'PDF à signer')
    .requiredOption('--p12 <fichier>', 'certificat PKCS#12 (.p12 / .pfx)')
    .requiredOption('--out <fichier>', 'PDF signé à écrire')
    .option('--reason <texte>', 'motif de la signature')
    .option('--location <texte>', 'lieu de la signature')
    .action((input: string, opts: { p12: string; out: string; reason?: string; location?: string }) =>
      run(async () => {
        if (resolve(input) === resolve(opts.out))
          throw new UsageError('Le PDF signé doit être un autre fichier que le PDF d’origine (--out).');
        const p12 = await readFile(opts.p12);
        const password = await secretFromEnvOrTerminal('GUICHET_P12_PASSWORD', 'Mot de passe du certificat : ');
        if (password === null)
          throw new UsageError(
            'Mot de passe du certificat requis : définissez GUICHET_P12_PASSWORD ou lancez la commande dans un terminal.',
          );
        const { key, certificate } = signingKeyFromPkcs12(p12, password, new Date());
        const result = await signPdf({ input, output: opts.out, key, reason: opts.reason, location: opts.location });
        for (const line of describeCertificate(certificate)) console.log(line);
        console.log(`PDF signé : ${opts.out} (champ ${result.fieldName})`);
      }),
    );

  program
    .command('verify')
    .description(
      'Vérifie les signatures d’un PDF (intégrité, cryptographie) et, avec une liste de confiance, si le certificat mène à une AC reconnue',
    )
    .argument('<pdf>', 'PDF signé')
    .option('--trust-list <fichier>', 'liste de confiance : certificats des AC en PEM (ou le JSON servi par le hub)')
    .option('--hub <url>', 'prendre la liste de confiance du hub du département (ex. https://hub.aube.fr)')
    .option('--json', 'résultat en JSON')
    .action((file: string, opts: { json?: boolean; trustList?: string; hub?: string }) =>
      run(async () => {
        const anchors = await trustAnchors(opts);
        const report = await verifyPdf(file, anchors ?? {});
        const ok = report.signatures.length > 0 && report.signatures.every(isIntact);
        if (opts.json) console.log(JSON.stringify({ valid: ok, ...report }, null, 2));
        else if (report.signatures.length === 0) console.log('Ce PDF ne contient aucune signature.');
        else for (const [i, s] of report.signatures.entries()) console.log(describeSignature(s, i, anchors !== null).join('\n'));
        if (!opts.json && anchors === null && report.signatures.length > 0)
          console.log('Certificat non vérifié : aucune liste de confiance (--trust-list FICHIER ou --hub URL).');
        if (!ok) {
          if (!opts.json)
            console.error(report.signatures.length === 0 ? 'Aucune signature à vérifier.' : 'Au moins une signature est invalide.');
          process.exitCode = 1;
        }
      }),
    );
}
