/**
 * ACTES file names (reference §3), e.g.
 *   archive   SIC-EACT--210600730--20180115-1.tar.gz
 *   envelope  EACT--210600730--20180115-1.xml
 *   message   034-491011698-20171207-CL20171227_06-DE-1-1_0.xml
 *   act       99_DE-034-491011698-20171207-CL20171227_06-DE-1-1_1.pdf
 *   annexes   99_SE-…-DE-1-1_2.pdf, 75_PL-…-DE-1-1_3.pdf
 * The date is the decision date (as in S²LOW and the IDActe).
 */
export type MessageCode = `${1 | 2 | 3 | 4 | 5 | 6 | 7}-${1 | 2 | 3 | 4 | 5}`;

export function ymd(isoDate: string): string {
  return isoDate.replaceAll('-', '');
}

/** `<DEP>-<SIREN>-<YYYYMMDD>-<NumeroInterne>-<NAT>`: equal to the IDActe for an act's transaction. */
export function transactionBase(p: {
  departement: string;
  siren: string;
  decisionDate: string;
  numeroInterne: string;
  natureAbrege: string;
}): string {
  return `${p.departement}-${p.siren}-${ymd(p.decisionDate)}-${p.numeroInterne}-${p.natureAbrege}`;
}

export function messageFileName(base: string, code: MessageCode, index = 0): string {
  return `${base}-${code}_${index}.xml`;
}

/** A document of the transaction: typology prefix (`CodeTypePJ`), base, code, rank (1 = act, 2… = annexes). */
export function documentFileName(typology: string, base: string, code: MessageCode, index: number, extension: string): string {
  return `${typology}-${base}-${code}_${index}.${extension}`;
}

export function envelopeFileName(p: { quadrigramme: string; siren: string; date: string; serial: number }): string {
  return `${p.quadrigramme}--${p.siren}--${ymd(p.date)}-${p.serial}.xml`;
}

export function archiveFileName(trigramme: string, envelopeName: string): string {
  return `${trigramme}-${envelopeName.replace(/\.xml$/, '')}.tar.gz`;
}

/** Envelope from the ministry: `EACT--<émetteur>-<SIREN>-<YYYYMMDD>-<n>.xml`, émetteur e.g. SPREF0441 or PREF044. */
export function ministryEnvelopeFileName(p: { emetteur: string; siren: string; date: string; serial: number }): string {
  return `EACT--${p.emetteur}-${p.siren}-${ymd(p.date)}-${p.serial}.xml`;
}

/** Envelope-level rejection: `ANO_` + the rejected envelope's name. */
export function anomalieEnveloppeFileName(envelopeName: string): string {
  return `ANO_${envelopeName}`;
}

export function extensionOf(fileName: string): string {
  const m = /\.([A-Za-z0-9]{1,5})$/.exec(fileName);
  return m ? m[1].toLowerCase() : '';
}
