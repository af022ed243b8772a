/**
 * The follow-up part of a synthetic demand for tests, benchmarks and the demo:
 * an LP inscription deposited on `depositDate` with both pieces its Cerfa
 * asks for: two tiny fixed files (SYNTHETIC_PIECES), which a test hub holds for
 * every commune it seeds with the electoral service (the hub refuses a demand
 * naming a file it does not hold).
 */
import type { Demand } from './types.js';

/** The bytes behind the synthetic demands' pieces (ASCII), with their SHA-256 (precomputed: shared/ has no crypto). */
export const SYNTHETIC_PIECES = {
  identite: {
    text: '%PDF-1.4\n% Guichet: piece synthetique (identite)\n',
    sha256: '09145820ea7e9af20ae108cff58ac1dbc2528722c5f0596178f100f6bbbfc1b9',
  },
  attache: {
    text: '%PDF-1.4\n% Guichet: piece synthetique (attache)\n',
    sha256: '04c9087dda7a7e09528e1fa01deb0974528823dd6f2cfb8ffece3d48b5fc7e7f',
  },
} as const;

export function syntheticPieceBytes(piece: keyof typeof SYNTHETIC_PIECES): Uint8Array {
  // ASCII text: one byte per character.
  return Uint8Array.from(SYNTHETIC_PIECES[piece].text, (c) => c.charCodeAt(0));
}

export function syntheticFollowUp(
  depositDate: string,
): Omit<
  Demand,
  'id' | 'kind' | 'status' | 'electorId' | 'applicant' | 'newAddress' | 'newBureauCode' | 'comment' | 'createdBy' | 'createdAtLocal'
> {
  const piece = (piece: 'identite' | 'attache') => ({
    sha256: SYNTHETIC_PIECES[piece].sha256,
    fileName: piece === 'identite' ? 'carte-identite.pdf' : 'justificatif-domicile.pdf',
    mime: 'application/pdf' as const,
    size: syntheticPieceBytes(piece).byteLength,
    piece,
    addedOn: depositDate,
  });
  return {
    list: 'LP',
    depositDate,
    nationality: null,
    birthPlace: null,
    ine: null,
    email: null,
    justificatifs: [piece('identite'), piece('attache')],
    noticeDate: null,
    decisionDate: null,
    refusalReason: null,
    notificationDate: null,
    reuTransmittedDate: null,
    reconciliation: null,
  };
}

/** The decision fields a demand at `status` carries (a decided one is dated, a refusal motivated). */
export function syntheticDecision(status: Demand['status']): Pick<Demand, 'decisionDate' | 'refusalReason'> {
  if (status === 'acceptee') return { decisionDate: '2026-11-30', refusalReason: null };
  if (status === 'refusee') return { decisionDate: '2026-11-30', refusalReason: 'Attache avec la commune non justifiée.' };
  return { decisionDate: null, refusalReason: null };
}

const bytesOf = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);

/**
 * What a test or a benchmark adds to a `electoral:create-demand` input so an LP
 * inscription is complete: the deposit day and two tiny PDFs (identity, attache).
 */
export function syntheticDepositInput(depositDate: string) {
  const file = (piece: 'identite' | 'attache', name: string) => ({
    piece,
    fileName: name,
    mime: 'application/pdf' as const,
    content: bytesOf(`%PDF-1.4\n% ${name}\n%%EOF\n`),
  });
  return { depositDate, files: [file('identite', 'cni.pdf'), file('attache', 'quittance.pdf')] };
}
