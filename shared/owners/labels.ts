/**
 * How the relevé and the screens read MAJIC's codes (DGFiP, « descriptif des
 * fichiers MAJIC »): the right held (ccodro) and the dismemberment or
 * indivision (ccodem). An unknown code is shown as is.
 */
const RIGHTS: Readonly<Record<string, string>> = {
  P: 'Propriétaire',
  U: 'Usufruitier',
  N: 'Nu-propriétaire',
  B: 'Bailleur à construction',
  R: 'Preneur à construction',
  F: 'Foncier',
  T: 'Tenuyer',
  D: 'Domanier',
  V: 'Bailleur d’un bail à réhabilitation',
  W: 'Preneur d’un bail à réhabilitation',
  A: 'Locataire-attributaire',
  E: 'Emphytéote',
  K: 'Antichrésiste',
  L: 'Fonctionnaire logé',
  G: 'Gérant, mandataire, gestionnaire',
  S: 'Syndic de copropriété',
  H: 'Associé d’une transparence fiscale',
  O: 'Autorisation d’occupation temporaire',
  J: 'Jeune agriculteur',
  Q: 'Gestionnaire taxe sur les bureaux',
  X: 'La Poste occupant et propriétaire',
  Y: 'La Poste occupant et non propriétaire',
  C: 'Fiduciaire',
  M: 'Occupant d’une parcelle appartenant au département de Mayotte ou à l’État',
  Z: 'Gestionnaire d’un bien de l’État',
};

const DISMEMBERMENTS: Readonly<Record<string, string>> = {
  C: 'Copropriétaire',
  I: 'Indivision',
  L: 'Propriété en litige',
  S: 'Succession de',
  V: 'Vente en viager',
};

export function rightLabel(code: string): string {
  return RIGHTS[code] ?? code;
}

export function dismembermentLabel(code: string): string {
  return code === '' ? '' : (DISMEMBERMENTS[code] ?? code);
}
