import { envelopeFileName } from './file-names.js';
import type { CommuneIdentity, TiersIdentity } from './identities.js';
import { el, fichierSigne, renderActesDocument } from './xml-writer.js';

export interface EnvelopeInput {
  tiers: TiersIdentity;
  commune: CommuneIdentity;
  /** Date of the transmission (YYYY-MM-DD), in the envelope name. */
  date: string;
  /** Per-commune envelope counter. */
  serial: number;
  /** Message file names (`…_0.xml`) carried by this envelope. */
  formulaires: string[];
}

/** `EnveloppeCLMISILL`: the commune as emitter, the hub's mailbox first in AdressesRetour. */
export function buildEnvelope(input: EnvelopeInput): { fileName: string; xml: Buffer } {
  const { tiers, commune } = input;
  const addresses = [tiers.mailbox, ...(commune.email && commune.email !== tiers.mailbox ? [commune.email] : [])];
  const ref = tiers.referent;
  const root = el('EnveloppeCLMISILL', undefined, [
    el('Emetteur', undefined, [
      el('IDCL', {
        'insee:SIREN': commune.siren,
        Departement: commune.departement,
        Arrondissement: commune.arrondissement,
        Nature: commune.nature,
      }),
      ref
        ? el('Referent', undefined, [
            ref.nom ? el('Nom', undefined, ref.nom) : undefined,
            ref.telephone ? el('Telephone', undefined, ref.telephone) : undefined,
            ref.email ? el('Email', undefined, ref.email) : undefined,
          ])
        : undefined,
    ]),
    el(
      'AdressesRetour',
      undefined,
      addresses.map((a) => el('Email', undefined, a)),
    ),
    el(
      'FormulairesEnvoyes',
      undefined,
      input.formulaires.map((f) => fichierSigne('Formulaire', f)),
    ),
  ]);
  return {
    fileName: envelopeFileName({ quadrigramme: tiers.quadrigramme, siren: commune.siren, date: input.date, serial: input.serial }),
    xml: renderActesDocument(root),
  };
}
