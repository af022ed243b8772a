/**
 * The strength meter's words, apart from password-policy.ts so the renderer can draw them
 * without loading the estimator's dictionaries.
 */
export type PasswordScore = 0 | 1 | 2 | 3 | 4;

export const SCORE_LABELS: Record<PasswordScore, string> = {
  0: 'Très faible',
  1: 'Faible',
  2: 'Moyen',
  3: 'Solide',
  4: 'Très solide',
};
