/**
 * The follow-up part of a synthetic demand for tests, benchmarks and the demo:
 * an LP inscription deposited on `depositDate` with both pieces its Cerfa
 * asks for: two tiny fixed files (SYNTHETIC_PIECES), which a test hub holds for
 * every commune it seeds with the electoral service (the hub refuses a demand
 * naming a file it does not hold).
 */
import type { Demand } from './types.js';

/** The bytes behind the synthetic demands' pieces, with their SHA-256 (precomputed: shared/ has no crypto). */
export const SYNTHETIC_PIECES = {
  identite: {
    text: '%PDF-1.4\n% Guichet: pièce synthétique (identite)\n',
    sha256: '270d3fd8596d550ba0657ae70988ac798fab12cffe8f81f4938ba784471b282f',
  },
  attache: {
    text: '%PDF-1.4\n% Guichet: pièce synthétique (attache)\n',
    sha256: 'b314a2a51ca99a80792fbb2026346a656804c0a135fd93d1cbb4b9ddb44f1772',
  },
} as const;

export function syntheticPieceBytes(piece: keyof typeof SYNTHETIC_PIECES): Uint8Array {
  return new TextEncoder().encode(SYNTHETIC_PIECES[piece].text);
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
