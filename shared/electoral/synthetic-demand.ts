/**
 * The follow-up part of a synthetic demand for tests, benchmarks and the demo:
 * an LP inscription deposited on `depositDate` with both pieces its Cerfa
 * asks for (made-up hashes; no real file behind them).
 */
import type { Demand } from './types.js';

export function syntheticFollowUp(
  depositDate: string,
): Omit<
  Demand,
  'id' | 'kind' | 'status' | 'electorId' | 'applicant' | 'newAddress' | 'newBureauCode' | 'comment' | 'createdBy' | 'createdAtLocal'
> {
  const piece = (n: string, piece: 'identite' | 'attache') => ({
    sha256: n.repeat(64),
    fileName: piece === 'identite' ? 'carte-identite.pdf' : 'justificatif-domicile.pdf',
    mime: 'application/pdf' as const,
    size: 120_000,
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
    justificatifs: [piece('a', 'identite'), piece('b', 'attache')],
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
