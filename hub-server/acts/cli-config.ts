import { readFileSync } from 'node:fs';
import { GuichetError } from '../../shared/errors.js';
import type { ActesConfig, ActesImapConfig } from './service.js';

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
  actesImapUrl?: string;
  actesImapMove?: string;
  actesImapInterval?: string;
}

export const ACTES_CLI_FLAGS: Array<{ flag: string; env: string; description: string }> = [
  {
    flag: '--actes-url <url>',
    env: 'GUICHET_ACTES_URL',
    description: 'adresse @CTES (ou du simulateur) où poster les archives ; active la télétransmission',
  },
  { flag: '--actes-cert <fichier>', env: 'GUICHET_ACTES_CERT', description: 'certificat PEM attendu de la plateforme @CTES (épinglé)' },
  { flag: '--actes-client-cert <fichier>', env: 'GUICHET_ACTES_CLIENT_CERT', description: 'certificat PEM du tiers de télétransmission' },
  { flag: '--actes-client-key <fichier>', env: 'GUICHET_ACTES_CLIENT_KEY', description: 'clé PEM du tiers de télétransmission' },
  {
    flag: '--actes-mailbox-port <port>',
    env: 'GUICHET_ACTES_MAILBOX_PORT',
    description: 'port SMTP de la boîte ACTES (retours de la préfecture)',
  },
  {
    flag: '--actes-mailbox <adresse>',
    env: 'GUICHET_ACTES_MAILBOX',
    description: 'adresse e-mail de la boîte ACTES (première des AdressesRetour)',
  },
  { flag: '--actes-trigramme <code>', env: 'GUICHET_ACTES_TRIGRAMME', description: "trigramme du tiers attribué à l'homologation" },
  {
    flag: '--actes-quadrigramme <code>',
    env: 'GUICHET_ACTES_QUADRIGRAMME',
    description: "quadrigramme de l'application (EACT par défaut)",
  },
  {
    flag: '--actes-imap-url <url>',
    env: 'GUICHET_ACTES_IMAP_URL',
    description:
      'boîte e-mail existante relevée en IMAP pour les retours, ex. imaps://utilisateur@hote:993/INBOX (mot de passe : GUICHET_ACTES_IMAP_PASSWORD)',
  },
  {
    flag: '--actes-imap-move <dossier>',
    env: 'GUICHET_ACTES_IMAP_MOVE',
    description: 'dossier IMAP où ranger les messages traités, ex. Traités (sinon ils restent dans la boîte, marqués lus)',
  },
  {
    flag: '--actes-imap-interval <secondes>',
    env: 'GUICHET_ACTES_IMAP_INTERVAL',
    description: 'intervalle entre deux relèves IMAP, en secondes (60 par défaut)',
  },
  { flag: '--actes-max-per-hour <n>', env: 'GUICHET_ACTES_MAX_PER_HOUR', description: "nombre maximal d'archives envoyées par heure" },
];

/** Shown after the options of `hub serve`. */
export const ACTES_RETURNS_HELP = `
Retours de la préfecture (ACTES) : ils arrivent par e-mail, reçus par le hub
lui-même (récepteur SMTP, --actes-mailbox-port), relevés dans une boîte
existante (IMAP, --actes-imap-url), ou les deux. Le mot de passe IMAP se donne
uniquement par la variable GUICHET_ACTES_IMAP_PASSWORD, jamais en argument ni
dans l'adresse. Un message n'est marqué lu (ou rangé avec --actes-imap-move)
qu'une fois ses retours enregistrés.
`;

const read = (file: string, what: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new GuichetError('invalid_input', `Impossible de lire ${what} : ${file}.`);
  }
};

/**
 * `imaps://user@host:993/INBOX` (TLS) or `imap://…` (STARTTLS required off
 * loopback). The user may be an address (`actes%40cdg.fr@…`). The password
 * comes from the environment only: a command line is visible to every user
 * of the machine (ps) and kept in shell histories.
 */
export function imapConfigFromUrl(raw: string, password: string | undefined): ActesImapConfig {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new GuichetError('invalid_input', 'Adresse IMAP invalide. Exemple : imaps://utilisateur@hote:993/INBOX.');
  }
  if (url.protocol !== 'imaps:' && url.protocol !== 'imap:')
    throw new GuichetError('invalid_input', 'L’adresse IMAP doit commencer par imaps:// (ou imap://).');
  if (url.password)
    throw new GuichetError('invalid_input', 'Ne mettez pas le mot de passe IMAP dans l’adresse : définissez GUICHET_ACTES_IMAP_PASSWORD.');
  if (!url.username || !url.hostname)
    throw new GuichetError('invalid_input', 'Indiquez l’utilisateur et le serveur IMAP, ex. imaps://utilisateur@hote:993/INBOX.');
  if (!password) throw new GuichetError('invalid_input', 'Mot de passe IMAP manquant : définissez GUICHET_ACTES_IMAP_PASSWORD.');
  const secure = url.protocol === 'imaps:';
  const mailbox = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(url.username),
    password,
    ...(mailbox ? { mailbox } : {}),
  };
}

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
  if (!trigramme || !mailbox)
    throw new GuichetError(
      'invalid_input',
      'Indiquez le trigramme du tiers (--actes-trigramme) et l’adresse de la boîte ACTES (--actes-mailbox).',
    );
  if (port !== undefined && !/^\d{1,5}$/.test(port)) throw new GuichetError('invalid_input', `Port de la boîte ACTES invalide : ${port}.`);
  if (max !== undefined && !/^\d+$/.test(max)) throw new GuichetError('invalid_input', `Nombre d'archives par heure invalide : ${max}.`);
  const imapUrl = opts.actesImapUrl ?? env.GUICHET_ACTES_IMAP_URL;
  const imapMove = opts.actesImapMove ?? env.GUICHET_ACTES_IMAP_MOVE;
  const imapInterval = opts.actesImapInterval ?? env.GUICHET_ACTES_IMAP_INTERVAL;
  if (imapInterval !== undefined && !/^\d+$/.test(imapInterval))
    throw new GuichetError('invalid_input', `Intervalle de relève IMAP invalide : ${imapInterval}.`);
  const imap = imapUrl
    ? {
        ...imapConfigFromUrl(imapUrl, env.GUICHET_ACTES_IMAP_PASSWORD),
        ...(imapMove ? { moveTo: imapMove } : {}),
        ...(imapInterval ? { everyMs: Math.max(1, Number(imapInterval)) * 1000 } : {}),
      }
    : undefined;
  return {
    prefectureUrl: url,
    prefectureCertPem: read(cert, 'le certificat @CTES'),
    ...(clientCert ? { clientCertPem: read(clientCert, 'le certificat du tiers') } : {}),
    ...(clientKey ? { clientKeyPem: read(clientKey, 'la clé du tiers') } : {}),
    ...(port !== undefined ? { mailboxPort: Number(port) } : {}),
    ...(max !== undefined ? { maxPerHour: Number(max) } : {}),
    ...(imap ? { imap } : {}),
    tiers: { trigramme, quadrigramme: opts.actesQuadrigramme ?? env.GUICHET_ACTES_QUADRIGRAMME ?? 'EACT', mailbox },
  };
}
