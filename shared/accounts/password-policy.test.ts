import { describe, expect, it } from 'vitest';
import { accountWords, checkPassword, PASSWORD_MIN_LENGTH } from './password-policy.js';

const BAR_SUR_SEINE = { username: 'secretaire', displayName: 'Claire Petit', collectiviteName: 'Bar-sur-Seine' };

describe('the password rule (hub and PC)', () => {
  it.each(['aaaaaaaaaa', '1234567890', 'motdepasse123', 'azertyuiop', 'bar-sur-seine2026', 'Barsurseine2026', 'clairepetit1975'])(
    'refuses %s for an account of Bar-sur-Seine, with a French reason',
    (password) => {
      const v = checkPassword(password, BAR_SUR_SEINE);
      expect(v.ok).toBe(false);
      expect(v.score).toBeLessThan(3);
      expect(v.reason).toMatch(/^Ce mot de passe est trop facile à deviner\. /);
    },
  );

  it('says why, with the estimator’s French feedback', () => {
    expect(checkPassword('aaaaaaaaaa').reason).toContain('Les caractères répétés');
    expect(checkPassword('bar-sur-seine2026', BAR_SUR_SEINE).reason).toContain('données personnelles');
    expect(checkPassword('azertyuiop').reason).toContain('clavier');
  });

  it('refuses the commune name only for that commune’s accounts (user inputs decide)', () => {
    expect(checkPassword('bar-sur-seine2026', BAR_SUR_SEINE).ok).toBe(false);
    expect(accountWords(BAR_SUR_SEINE)).toEqual(expect.arrayContaining(['bar-sur-seine', 'barsurseine', 'seine', 'claire petit']));
  });

  it('refuses a short password before estimating', () => {
    expect(checkPassword('x7#Kq!2v')).toMatchObject({
      ok: false,
      reason: `Le mot de passe doit faire au moins ${PASSWORD_MIN_LENGTH} caractères.`,
    });
  });

  it.each(['cheval-agrafe-nuage-vert', 'Lavoir rouge, 3 pommes tièdes', 'demo-guichet-2026'])('accepts the passphrase %s', (password) => {
    expect(checkPassword(password, BAR_SUR_SEINE)).toMatchObject({ ok: true, reason: null });
  });
});
