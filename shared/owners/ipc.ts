/**
 * Renderer ↔ main channels of the owners (MAJIC) domain (`owners:*`). The
 * data is personal: every channel but `owners:state` requires a permission
 * (`owners.read`, the mayor's nominative grant; `owners.log` and
 * `users.manage` for the mayor's screens), checked by the core. Names are
 * stable: the screens (renderer/src/owners/) are built on them.
 */
import { z } from 'zod';
import type { ChannelSpec, InputSchemas } from '../api/channel.js';
import type { Compte, JournalEntry, Owner, OwnedLocal, OwnedParcel } from './types.js';
import { REQUESTER_KINDS, type RequesterKind } from './types.js';

/** What the owners screens need to know before showing anything. */
export interface OwnersState {
  /** The user holds `owners.read` (granted by the mayor, by name). */
  mayRead: boolean;
  /** The user may read the consultation log (`owners.log`, the mayor). */
  mayReadLog: boolean;
  /** The user may give and withdraw the grant (`users.manage`, the mayor). */
  mayGrant: boolean;
  /** Comptes communaux held (encrypted) on this PC; 0 without the grant or before the first sync. */
  comptes: number;
  /** Millésime of the latest MAJIC import received, null when none. */
  millesime: number | null;
  /** When that import was loaded on the hub (ISO), null when none. */
  importedAt: string | null;
  /**
   * French notice when this PC's local copy was wiped because its key was lost (it is being fetched again
   * from the hub), null otherwise.
   */
  notice: string | null;
}

/** How the query was read: a name (prefix), a parcel reference or a compte number. */
export type OwnersSearchKind = 'nom' | 'parcelle' | 'compte';

/** One owner of one compte, as a search result line (no birth date: the list is not a consultation). */
export interface OwnerHit {
  compteId: string;
  /** Compte number as MAJIC prints it (dnupro, e.g. `+00012`, `B00034`). */
  dnupro: string;
  /** The person in the compte (dnuper). */
  dnuper: string;
  /** « NOM Prénoms » (usage name first when there is one), or the body's name. */
  displayName: string;
  birthName: string;
  usageName: string;
  firstNames: string;
  legalPerson: boolean;
  /** Droit réel, as read (« Propriétaire », « Usufruitier »…). */
  right: string;
  /** Other owners of the same compte (count). */
  coOwners: number;
  /** Parcels of the compte (count). */
  parcels: number;
}

export interface OwnersSearchResult {
  kind: OwnersSearchKind;
  hits: OwnerHit[];
  /** More matched than `limit`: type more. */
  truncated: boolean;
  /** For a parcel query: the normalised id, and `ZB 12` as printed. */
  parcel: { id: string; ref: string } | null;
}

/** An owner in a compte, with the right read out. */
export interface CompteOwner extends Owner {
  rightLabel: string;
  dismembermentLabel: string;
  /** The postal address on one line, street number without MAJIC's zero padding (`20 B ROUTE DE TROYES, 10000 TROYES`). */
  postalAddress: string;
}

/** A parcel of the compte with what the screen shows at once. */
export interface CompteParcel extends OwnedParcel {
  /** `ZB 12` (with the préfixe when there is one). */
  ref: string;
  /** `1 ha 23 a 45 ca`. */
  contenance: string;
  /** Some local of the compte stands on it (bâti) or not (non bâti). */
  built: boolean;
}

/** A compte communal opened (a consultation: logged with `owners.consult`). */
export interface CompteView {
  id: string;
  insee: string;
  dnupro: string;
  millesime: number;
  owners: CompteOwner[];
  parcels: CompteParcel[];
  locals: OwnedLocal[];
  lots: Compte['lots'];
  /** Sum of the parcels' contenance, m², and as `… ha … a … ca`. */
  totalArea: number;
  totalContenance: string;
}

export interface ByParcelResult {
  parcel: { id: string; ref: string };
  /** Every compte holding the parcel (a parcel may be in several: lots of a copropriété, PDL). */
  comptes: { id: string; dnupro: string; owners: string[] }[];
}

/** Relevé de propriété: `complet` for the commune's own use, `tiers` for someone outside the town hall (L107 A). */
export const RELEVE_MODES = ['complet', 'tiers'] as const;
export type ReleveMode = (typeof RELEVE_MODES)[number];

export interface OwnersFile {
  fileName: string;
  mime: string;
  content: Uint8Array;
}

/** The requester's count this calendar week and month (from the ledger synced on this PC), and the refusal if any. */
export interface CommunicationUsage {
  week: number;
  month: number;
  weekLimit: number;
  monthLimit: number;
  /** French sentence when one more communication would be refused, null otherwise (the hub decides anyway). */
  refusal: string | null;
}

/** A user of the collectivité as the mayor's grant screen lists it. */
export interface OwnersGrantee {
  id: string;
  displayName: string;
  username: string;
  role: string;
  disabled: boolean;
  /** Holds `owners.read`. */
  granted: boolean;
}

export interface OwnersChannels {
  /** Whether the user may read owners, whether data is on this PC (always allowed, no personal data). */
  'owners:state': ChannelSpec<null, OwnersState>;
  /** Search as you type: a birth or usage name / first names prefix (accents ignored), a parcel (`ZB 12`, 14-char id) or a compte number. */
  'owners:search': ChannelSpec<{ q: string; limit?: number }, OwnersSearchResult>;
  /** Opens a compte communal (owners with rights, parcels, bâti / non bâti); logs the consultation (works offline). */
  'owners:compte': ChannelSpec<{ id: string; purpose?: string }, CompteView>;
  /** Every compte owning a parcel (`ZB 12` or the 14-character id); not a consultation until one is opened. */
  'owners:by-parcel': ChannelSpec<{ parcel: string }, ByParcelResult>;
  /**
   * Relevé de propriété PDF. `complet`: the commune's own use, logged as a consultation. `tiers`: no birth date,
   * no birth place, no exemption; recorded on the hub first (online only, 5/week and 10/month per requester).
   */
  'owners:releve': ChannelSpec<
    {
      compteId: string;
      mode: ReleveMode;
      purpose: string;
      /** Required for `tiers`: who asks. `proprietaire` (an owner of the compte, `ownerDnuper`) is not counted. */
      requester?: { name: string; kind: RequesterKind; ownerDnuper?: string | null };
    },
    OwnersFile
  >;
  /** How many communications a requester already had (comfort before the hub's decision). */
  'owners:communication-usage': ChannelSpec<{ requesterName: string }, CommunicationUsage>;
  /** The mayor's log of consultations and communications, newest first (synced `owners.journal`). */
  'owners:journal': ChannelSpec<{ limit?: number; before?: string }, { entries: JournalEntry[]; more: boolean }>;
  /** The mayor: users of the collectivité and whether each holds `owners.read` (online: asks the hub). */
  'owners:grants': ChannelSpec<null, OwnersGrantee[]>;
  /** The mayor gives `owners.read` to a user (online); the user receives it at their next login. */
  'owners:grant': ChannelSpec<{ userId: string }, OwnersGrantee>;
  /** The mayor withdraws `owners.read` (online): the hub refuses from the next request; the PC empties its copy at next login. */
  'owners:revoke': ChannelSpec<{ userId: string }, OwnersGrantee>;
}

const purpose = z.string().trim().min(3, 'Indiquez le motif (au moins 3 caractères).').max(300);
const userId = z.object({ userId: z.string().min(1).max(100) });

export const ownersInputs: InputSchemas<OwnersChannels> = {
  'owners:state': z.null(),
  'owners:search': z.object({ q: z.string().max(200), limit: z.number().int().min(1).max(200).optional() }),
  'owners:compte': z.object({ id: z.string().min(1).max(12), purpose: purpose.optional() }),
  'owners:by-parcel': z.object({ parcel: z.string().min(1).max(30) }),
  'owners:releve': z.object({
    compteId: z.string().min(1).max(12),
    mode: z.enum(RELEVE_MODES),
    purpose,
    requester: z
      .object({
        name: z.string().trim().min(2, 'Indiquez le nom du demandeur.').max(120),
        kind: z.enum(REQUESTER_KINDS),
        ownerDnuper: z.string().max(6).nullable().optional(),
      })
      .optional(),
  }),
  'owners:communication-usage': z.object({ requesterName: z.string().trim().min(2).max(120) }),
  'owners:journal': z.object({ limit: z.number().int().min(1).max(1000).optional(), before: z.string().max(40).optional() }),
  'owners:grants': z.null(),
  'owners:grant': userId,
  'owners:revoke': userId,
};
