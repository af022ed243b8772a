/**
 * What the help area shows on every screen: the app's version (set at build
 * time from package.json) and the département's assistance contact.
 *
 * The contact is the département's, chosen when it builds Guichet for its
 * communes (`VITE_GUICHET_ASSISTANCE`, e.g. « 03 25 00 00 00 — assistance@… »);
 * without it, the user is sent to the letter the commune received with its
 * enrollment code, which carries it.
 */
export const APP_VERSION: string = import.meta.env.VITE_GUICHET_VERSION ?? 'de développement';

export const ASSISTANCE_CONTACT: string | null = import.meta.env.VITE_GUICHET_ASSISTANCE?.trim() || null;

/** One sentence: how to reach the département's assistance. */
export function assistanceSentence(): string {
  return ASSISTANCE_CONTACT
    ? `Assistance du département : ${ASSISTANCE_CONTACT}.`
    : "Assistance du département : ses coordonnées figurent sur le courrier d'inscription de la commune.";
}
