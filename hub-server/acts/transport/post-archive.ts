import https from 'node:https';
import { randomBytes } from 'node:crypto';
import { GuichetError } from '../../../shared/errors.js';

/**
 * POST of an ACTES archive to the ministry platform (or its simulator), as
 * S²LOW does: multipart/form-data, one file part named after the archive.
 * The server is trusted only through the configured certificate (pinning,
 * not the public CAs). Success is 201 on the new DGCL servers, 200 on the
 * legacy protocol.
 */
export interface MinistryEndpoint {
  url: string;
  /** PEM of the certificate (or CA) the server must present. */
  caCertPem: string;
  /** Tiers client certificate for mutual TLS, when the platform requires it. */
  clientCertPem?: string;
  clientKeyPem?: string;
  legacyProtocol?: boolean;
  timeoutMs?: number;
}

const agents = new WeakMap<MinistryEndpoint, https.Agent>();

function agentFor(endpoint: MinistryEndpoint): https.Agent {
  let agent = agents.get(endpoint);
  if (!agent) {
    agent = new https.Agent({
      keepAlive: true,
      ca: endpoint.caCertPem,
      cert: endpoint.clientCertPem,
      key: endpoint.clientKeyPem,
      maxSockets: 8,
    });
    agents.set(endpoint, agent);
  }
  return agent;
}

export function closeEndpoint(endpoint: MinistryEndpoint): void {
  agents.get(endpoint)?.destroy();
  agents.delete(endpoint);
}

/**
 * A POST that did not end in success. `maybeDelivered`: the whole body left
 * the hub but no answer came back (timeout, reset), so the platform may hold
 * the archive; false when the connection failed before the body was sent or
 * when the platform answered with an error status. `status` is the HTTP code
 * when there was one.
 */
export class PostArchiveError extends GuichetError {
  constructor(
    message: string,
    detail: string,
    readonly maybeDelivered: boolean,
    readonly status: number | null,
  ) {
    super('hub_unavailable', message, detail);
  }
}

export async function postArchive(endpoint: MinistryEndpoint, archiveName: string, archive: Buffer): Promise<void> {
  const boundary = `----guichet${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${archiveName}"; filename="${archiveName}"\r\nContent-Type: application/x-gzip\r\n\r\n`,
  );
  const body = Buffer.concat([head, archive, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  const url = new URL(endpoint.url);
  let bodySent = false;
  const status = await new Promise<{ code: number; text: string }>((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: 'POST',
        agent: agentFor(endpoint),
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': body.length },
        timeout: endpoint.timeoutMs ?? 180_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8').slice(0, 500) }));
        // The answer cut short (reset, hang-up): the body was delivered, its fate is unknown. Without this the
        // promise never settles (the forwarder's pass hangs) or an unhandled 'error' event kills the hub.
        const cut = (detail: string) =>
          reject(
            new PostArchiveError(
              'La plateforme @CTES n’a pas répondu jusqu’au bout ; la transmission attend son accusé de réception.',
              `answer cut (HTTP ${res.statusCode ?? 0}): ${detail}`,
              true,
              null,
            ),
          );
        res.on('error', (err) => cut(err.message));
        res.on('close', () => {
          if (!res.complete) cut('connection closed');
        });
      },
    );
    req.on('finish', () => (bodySent = true));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) =>
      reject(
        new PostArchiveError(
          'La plateforme @CTES du ministère est injoignable ; la transmission sera retentée.',
          err.message,
          bodySent,
          null,
        ),
      ),
    );
    req.end(body);
  });
  const ok = endpoint.legacyProtocol ? status.code === 200 : status.code === 201;
  if (!ok)
    throw new PostArchiveError(
      "La plateforme @CTES a refusé l'archive ; la transmission sera retentée.",
      `HTTP ${status.code}: ${status.text}`,
      false,
      status.code,
    );
}
