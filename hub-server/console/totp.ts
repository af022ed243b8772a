import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

/**
 * TOTP (RFC 6238, 30 s, 6 digits, SHA-1: what every authenticator app reads) for the console's
 * second factor. A code is accepted once: the caller stores the matched time step and passes it
 * back, so a code for that step or an earlier one is refused (a code seen over a shoulder or
 * replayed from a proxy log is useless).
 */
const ISSUER = 'Guichet – console du département';
/** One period either side: a phone clock 30 s off still works. */
const TOLERANCE_S = 30;

export function newTotpSecret(): string {
  return generateSecret();
}

export async function totpEnrolment(login: string, secret: string): Promise<{ otpauthUri: string; qrSvg: string }> {
  const otpauthUri = generateURI({ issuer: ISSUER, label: login, secret });
  const qrSvg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { otpauthUri, qrSvg };
}

/** The matched RFC 6238 time step if `code` is valid now and newer than `lastStep`; null otherwise. */
export async function checkTotp(secret: string, code: string, lastStep: number | null): Promise<number | null> {
  const result = await verify({
    secret,
    token: code,
    epochTolerance: TOLERANCE_S,
    ...(lastStep === null ? {} : { afterTimeStep: lastStep }),
  }).catch(() => ({ valid: false as const }));
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}
