import { readFileSync } from 'node:fs';
import { GuichetError } from '../../shared/errors.js';
import type { ActesConfig } from './service.js';

/**
 * `hub serve` options of the tiers de télétransmission. Each flag falls back
 * to an environment variable (deployments set them in the service unit); the
 * service is off unless the @CTES address is given.
 */
export interface ActesCliOptions {
  actesUrl?: string;
  actesCert?: string;
  actesClientCert?: string;
  actesClientKey?: string;
  actesMailboxPort?: string;
  actesMailbox?: string;
  actesTrigramme?: string;
  actesQuadrigramme?: string;
  actesMaxPerHour?: string;
}

export const ACTES_CLI_FLAGS: Array<{ flag: string; env: string; description: string }> = [
  { flag: '--actes-url <url>', env: 'GUICHET_ACTES_URL', description: 'adresse @CTES (ou du simulateur) où poster les archives ; active la télétransmission' },
  { flag: '--actes-cert <fichier>', env: 'GUICHET_ACTES_CERT', description: 'certificat PEM attendu de la plateforme @CTES (épinglé)' },
  { flag: '--actes-client-cert <fichier>', env: 'GUICHET_ACTES_CLIENT_CERT', description: 'certificat PEM du tiers de télétransmission' },
  { flag: '--actes-client-key <fichier>', env: 'GUICHET_ACTES_CLIENT_KEY', description: 'clé PEM du tiers de télétransmission' },
  { flag: '--actes-mailbox-port <port>', env: 'GUICHET_ACTES_MAILBOX_PORT', description: 'port SMTP de la boîte ACTES (retours de la préfecture)' },
  { flag: '--actes-mailbox <adresse>', env: 'GUICHET_ACTES_MAILBOX', description: 'adresse e-mail de la boîte ACTES (première des AdressesRetour)' },
  { flag: '--actes-trigramme <code>', env: 'GUICHET_ACTES_TRIGRAMME', description: "trigramme du tiers attribué à l'homologation" },
  { flag: '--actes-quadrigramme <code>', env: 'GUICHET_ACTES_QUADRIGRAMME', description: "quadrigramme de l'application (EACT par défaut)" },
  { flag: '--actes-max-per-hour <n>', env: 'GUICHET_ACTES_MAX_PER_HOUR', description: "nombre maximal d'archives envoyées par heure" },
];

const read = (file: string, what: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new GuichetError('invalid_input', `Impossible de lire ${what} : ${file}.`);
  }
};

export function actesConfigFromCli(opts: ActesCliOptions, env: NodeJS.ProcessEnv = process.env): ActesConfig | undefined {
  const url = opts.actesUrl ?? env.GUICHET_ACTES_URL;
  if (!url) return undefined;
  const cert = opts.actesCert ?? env.GUICHET_ACTES_CERT;
  if (!cert) throw new GuichetError('invalid_input', 'Indiquez le certificat de la plateforme @CTES (--actes-cert).');
  const clientCert = opts.actesClientCert ?? env.GUICHET_ACTES_CLIENT_CERT;
  const clientKey = opts.actesClientKey ?? env.GUICHET_ACTES_CLIENT_KEY;
  const port = opts.actesMailboxPort ?? env.GUICHET_ACTES_MAILBOX_PORT;
  const max = opts.actesMaxPerHour ?? env.GUICHET_ACTES_MAX_PER_HOUR;
  const trigramme = opts.actesTrigramme ?? env.GUICHET_ACTES_TRIGRAMME;
  const mailbox = opts.actesMailbox ?? env.GUICHET_ACTES_MAILBOX;
  if (!trigramme || !mailbox) throw new GuichetError('invalid_input', 'Indiquez le trigramme du tiers (--actes-trigramme) et l’adresse de la boîte ACTES (--actes-mailbox).');
  if (port !== undefined && !/^\d{1,5}$/.test(port)) throw new GuichetError('invalid_input', `Port de la boîte ACTES invalide : ${port}.`);
  if (max !== undefined && !/^\d+$/.test(max)) throw new GuichetError('invalid_input', `Nombre d'archives par heure invalide : ${max}.`);
  return {
    prefectureUrl: url,
    prefectureCertPem: read(cert, 'le certificat @CTES'),
    ...(clientCert ? { clientCertPem: read(clientCert, 'le certificat du tiers') } : {}),
    ...(clientKey ? { clientKeyPem: read(clientKey, 'la clé du tiers') } : {}),
    ...(port !== undefined ? { mailboxPort: Number(port) } : {}),
    ...(max !== undefined ? { maxPerHour: Number(max) } : {}),
    tiers: { trigramme, quadrigramme: opts.actesQuadrigramme ?? env.GUICHET_ACTES_QUADRIGRAMME ?? 'EACT', mailbox },
  };
}
