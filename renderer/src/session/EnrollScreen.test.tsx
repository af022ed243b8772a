import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GuichetError } from '../../../shared/errors.js';
import { installFakeBridge, loggedIn } from '../testing/fake-bridge.js';
import { EnrollScreen } from './EnrollScreen.js';
import { useSession } from './store.js';

function fill(label: RegExp | string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

/** Every field but the device name (kept from the session), the password typed a second time as `again`. */
function fillForm(again: string) {
  fill(/Adresse du serveur/, 'http://127.0.0.1:4000');
  fill("Code d'inscription", 'ABCD-EFGH-IJKL');
  fill('Identifiant', 'm.dupont');
  fill('Nom et prénom', 'Marie Dupont');
  fill('Mot de passe', 'correct-horse-1');
  fill('Mot de passe (à nouveau)', again);
}

describe('EnrollScreen', () => {
  beforeEach(() =>
    useSession.setState({
      session: { status: 'not_enrolled', hubUrl: null, user: null, commune: null, services: [], permissions: [], deviceName: 'PC-ACCUEIL' },
      busy: false,
      error: null,
      loading: false,
    }),
  );
  afterEach(cleanup);

  it('explains every missing field in French and ties each message to its input', () => {
    const fake = installFakeBridge({});
    render(<EnrollScreen onLogin={() => {}} />);
    fireEvent.click(screen.getByRole('button', { name: 'Inscrire ce poste' }));
    expect(screen.getByText('Le formulaire contient des erreurs :').closest('[role=alert]')).toBe(document.activeElement);
    const password = screen.getByLabelText('Mot de passe');
    expect(password.getAttribute('aria-invalid')).toBe('true');
    const described = password
      .getAttribute('aria-describedby')!
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent);
    expect(described).toContain('Le mot de passe doit faire au moins 10 caractères.');
    expect(screen.getByText(/L'adresse du serveur n'est pas valide/, { selector: '.error-text' })).toBeTruthy();
    expect(screen.getByLabelText('Nom de ce poste')).toHaveProperty('value', 'PC-ACCUEIL');
    expect(fake.calls).toHaveLength(0);
  });

  it('refuses two different passwords, then enrolls with the typed values', async () => {
    const fake = installFakeBridge({ 'session:enroll': () => loggedIn('maire') });
    render(<EnrollScreen onLogin={() => {}} />);
    fillForm('correct-horse-2');
    fireEvent.click(screen.getByRole('button', { name: 'Inscrire ce poste' }));
    expect(screen.getByText('Les deux mots de passe ne sont pas identiques.', { selector: '.error-text' })).toBeTruthy();
    expect(fake.calls).toHaveLength(0);

    fill('Mot de passe (à nouveau)', 'correct-horse-1');
    fireEvent.click(screen.getByRole('button', { name: 'Inscrire ce poste' }));
    await waitFor(() => expect(useSession.getState().session?.status).toBe('logged_in'));
    expect(fake.callsOf('session:enroll')[0]).toEqual({
      hubUrl: 'http://127.0.0.1:4000',
      code: 'ABCD-EFGH-IJKL',
      username: 'm.dupont',
      displayName: 'Marie Dupont',
      password: 'correct-horse-1',
      deviceName: 'PC-ACCUEIL',
    });
  });

  it('shows the French message of a refused code', async () => {
    installFakeBridge({
      'session:enroll': () => {
        throw new GuichetError('forbidden', "Ce code d'inscription n'est pas valide ou a déjà servi.");
      },
    });
    render(<EnrollScreen onLogin={() => {}} />);
    fillForm('correct-horse-1');
    fireEvent.click(screen.getByRole('button', { name: 'Inscrire ce poste' }));
    await screen.findByText("Ce code d'inscription n'est pas valide ou a déjà servi.");
  });
});
