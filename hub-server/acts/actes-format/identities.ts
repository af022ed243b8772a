/**
 * Who is on the envelope. The hub (the département) is the tiers de
 * télétransmission: its codes name the archive and the envelope, its mailbox
 * comes first in AdressesRetour (as S²LOW does), its staff is the referent.
 * The commune is the emitter (`IDCL`).
 */
export interface TiersIdentity {
  /** Archive prefix assigned at homologation (S²LOW `ACTES_APPLI_TRIGRAMME`, STELA `SIC`). */
  trigramme: string;
  /** Envelope prefix (`ACTES_APPLI_QUADRIGRAMME`, `EACT`). */
  quadrigramme: string;
  /** The hub's ACTES mailbox, listed first in AdressesRetour. */
  mailbox: string;
  referent?: { nom?: string; telephone?: string; email?: string };
}

export interface CommuneIdentity {
  siren: string;
  /** 3 characters: `034`, `02A`, `974`. */
  departement: string;
  /** One digit. */
  arrondissement: string;
  /** Code nature de la collectivité, 2 digits, registered with @CTES. */
  nature: string;
  /** The commune's own address, added after the hub mailbox in AdressesRetour. */
  email?: string;
}
