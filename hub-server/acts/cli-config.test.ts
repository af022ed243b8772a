import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { actesConfigFromCli, imapConfigFromUrl } from './cli-config.js';

/** `hub serve --actes-imap-url`: the URL says where, the password only ever comes from the environment. */
describe('ACTES IMAP options of hub serve', () => {
  it('reads imaps and imap URLs, with default ports, an address as user and an accented folder', () => {
    expect(imapConfigFromUrl('imaps://actes%40cdg10.fr@imap.cdg10.fr/INBOX', 's3cret')).toEqual({
      host: 'imap.cdg10.fr',
      port: 993,
      secure: true,
      user: 'actes@cdg10.fr',
      password: 's3cret',
      mailbox: 'INBOX',
    });
    expect(imapConfigFromUrl('imap://actes@127.0.0.1:1143/Retours%20pr%C3%A9fecture', 'x')).toEqual({
      host: '127.0.0.1',
      port: 1143,
      secure: false,
      user: 'actes',
      password: 'x',
      mailbox: 'Retours préfecture',
    });
    expect(imapConfigFromUrl('imaps://actes@imap.test', 'x')).not.toHaveProperty('mailbox');
  });

  it('refuses a password in the URL (without echoing it), a missing password, another scheme', () => {
    expect(() => imapConfigFromUrl('imaps://actes:hunter2@imap.test/INBOX', 'x')).toThrow(/GUICHET_ACTES_IMAP_PASSWORD/);
    try {
      imapConfigFromUrl('imaps://actes:hunter2@imap.test/INBOX', 'x');
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2');
    }
    expect(() => imapConfigFromUrl('imaps://actes@imap.test/INBOX', undefined)).toThrow(/Mot de passe IMAP manquant/);
    expect(() => imapConfigFromUrl('https://actes@imap.test/', 'x')).toThrow(/imaps:\/\//);
  });

  it('hub serve options and environment give the ACTES service its IMAP poller', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'guichet-cli-'));
    writeFileSync(path.join(dir, 'cert.pem'), 'PEM');
    const base = {
      GUICHET_ACTES_URL: 'https://actes.test/',
      GUICHET_ACTES_CERT: path.join(dir, 'cert.pem'),
      GUICHET_ACTES_TRIGRAMME: 'GUI',
      GUICHET_ACTES_MAILBOX: 'actes@hub.test',
    };
    expect(actesConfigFromCli({}, base)?.imap).toBeUndefined();
    const env = {
      ...base,
      GUICHET_ACTES_IMAP_URL: 'imaps://actes@imap.test/INBOX',
      GUICHET_ACTES_IMAP_PASSWORD: 'pw',
      GUICHET_ACTES_IMAP_MOVE: 'Traités',
    };
    expect(actesConfigFromCli({ actesImapInterval: '30' }, env)?.imap).toEqual({
      host: 'imap.test',
      port: 993,
      secure: true,
      user: 'actes',
      password: 'pw',
      mailbox: 'INBOX',
      moveTo: 'Traités',
      everyMs: 30_000,
    });
    expect(actesConfigFromCli({ actesMailboxPort: '2525' }, env)).toMatchObject({ mailboxPort: 2525, imap: { host: 'imap.test' } });
    expect(() => actesConfigFromCli({ actesImapInterval: 'souvent' }, env)).toThrow(/Intervalle de relève IMAP invalide/);
  });
});
