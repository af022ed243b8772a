import { ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as frenchDictionary, translations as frenchTranslations } from '@zxcvbn-ts/language-fr';
import type { PasswordScore } from './password-labels.js';

export { type PasswordScore, SCORE_LABELS } from './password-labels.js';

/**
 * The one password rule of Guichet: at least PASSWORD_MIN_LENGTH characters and
 * hard to guess by an estimator that knows common passwords, French words,
 * first names and surnames, keyboard walks (AZERTY), dates and repeats, and the
 * account's own words (login, name, collectivité). The hub enforces it on every
 * password it stores; the PC runs it for the live strength meter, so the hub's
 * refusal is the sentence the user already saw.
 */
export const PASSWORD_MIN_LENGTH = 10;
/** zxcvbn's score, 0 to 4: 3 means « safely unguessable » against an online attack and a slowed-down offline one. */
export const PASSWORD_MIN_SCORE = 3;

/** The account's own words: a password built on them is refused. */
export interface PasswordContext {
  username?: string | null;
  displayName?: string | null;
  collectiviteName?: string | null;
}

export interface PasswordVerdict {
  ok: boolean;
  score: PasswordScore;
  /** Why the password is refused, in French (null when accepted). */
  reason: string | null;
  /** zxcvbn's French advice, for the strength meter. */
  suggestions: string[];
}

// The dictionaries take a moment to rank: built once, on first use (the renderer imports this module lazily).
let estimator: ZxcvbnFactory | undefined;
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    translations: frenchTranslations,
    graphs: adjacencyGraphs,
    dictionary: { ...commonDictionary, ...frenchDictionary },
    useLevenshteinDistance: false,
  });
  return estimator;
}

function withoutAccents(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '');
}

/** The words an attacker who knows the account would try: each as typed, joined, and split into its parts. */
export function accountWords(context: PasswordContext): string[] {
  const words = new Set<string>();
  for (const value of [context.username, context.displayName, context.collectiviteName]) {
    if (!value) continue;
    const plain = withoutAccents(value.toLowerCase()).trim();
    if (plain === '') continue;
    words.add(plain);
    words.add(plain.replace(/[^a-z0-9]+/g, ''));
    for (const part of plain.split(/[^a-z0-9]+/)) if (part.length >= 3) words.add(part);
  }
  return [...words];
}

function reasonOf(result: ZxcvbnResult): string {
  const warning = result.feedback.warning;
  const advice = result.feedback.suggestions[0];
  return [
    'Ce mot de passe est trop facile à deviner.',
    warning ? (/[.!?]$/.test(warning) ? warning : `${warning}.`) : null,
    advice ?? 'Choisissez plutôt une phrase de plusieurs mots sans rapport entre eux.',
  ]
    .filter((s): s is string => s !== null)
    .join(' ');
}

/** Judges a new password. Pure and synchronous; the first call builds the dictionaries (≈ a few hundred ms). */
export function checkPassword(password: string, context: PasswordContext = {}): PasswordVerdict {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return {
      ok: false,
      score: 0,
      reason: `Le mot de passe doit faire au moins ${PASSWORD_MIN_LENGTH} caractères.`,
      suggestions: ['Une phrase de quatre mots sans rapport entre eux est facile à retenir et difficile à deviner.'],
    };
  }
  const result = zxcvbn().check(password, accountWords(context));
  const score = result.score as PasswordScore;
  const ok = score >= PASSWORD_MIN_SCORE;
  return { ok, score, reason: ok ? null : reasonOf(result), suggestions: result.feedback.suggestions };
}
