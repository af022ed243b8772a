import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GuichetError } from '../../../shared/errors.js';
import { installFakeBridge, loggedIn } from '../testing/fake-bridge.js';
import { useSession } from '../session/store.js';
import { MyAccountScreen } from './MyAccountScreen.js';

function fill(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

describe('MyAccountScreen', () => {
  beforeEach(() => useSession.setState({ session: loggedIn('secretaire'), busy: false, error: null, loading: false }));
  afterEach(cleanup);

  it('judges the new password live with the shared rule and refuses a weak one before asking the hub', async () => {
    const fake = installFakeBridge({ 'session:change-password': () => loggedIn('secretaire') });
    render(<MyAccountScreen />);
    expect(screen.getByRole('heading', { level: 1, name: 'Mon compte' })).toBeTruthy();
    fill('Mot de passe actuel', 'ancien-mot-de-passe');
    // Ten characters, but a keyboard walk: the shared rule refuses it.
    fill('Nouveau mot de passe', 'azertyuiop');
    const meter = (await screen.findByRole('meter', { name: 'Force du mot de passe' }, { timeout: 10_000 })) as HTMLMeterElement;
    expect(Number(meter.getAttribute('value'))).toBeLessThan(3);
    await screen.findByText(/Ce mot de passe est trop facile à deviner/);
    fill('Confirmation du nouveau mot de passe', 'azertyuiop');
    fireEvent.click(screen.getByRole('button', { name: 'Enregistrer le mot de passe' }));
    const summary = await screen.findByText('Le formulaire contient des erreurs :');
    expect(summary.closest('.alert')?.textContent).toContain('Nouveau mot de passe : Ce mot de passe est trop facile à deviner');
    expect(fake.callsOf('session:change-password')).toHaveLength(0);

    fill('Nouveau mot de passe', 'girafe violon marée escalier');
    await screen.findByText(/— accepté\./);
    fireEvent.click(screen.getByRole('button', { name: 'Enregistrer le mot de passe' }));
    expect((await screen.findByText('Le formulaire contient des erreurs :')).closest('.alert')?.textContent).toContain(
      'Confirmation : Les deux mots de passe ne sont pas identiques.',
    );
    fill('Confirmation du nouveau mot de passe', 'girafe violon marée escalier');
    fireEvent.click(screen.getByRole('button', { name: 'Enregistrer le mot de passe' }));
    await screen.findByText(/Votre mot de passe est changé/);
    expect(fake.callsOf('session:change-password')).toEqual([
      { currentPassword: 'ancien-mot-de-passe', newPassword: 'girafe violon marée escalier' },
    ]);
    // The form starts empty again: no password left on screen.
    await waitFor(() => expect((screen.getByLabelText('Nouveau mot de passe') as HTMLInputElement).value).toBe(''));
  }, 30_000);

  it('shows the hub refusal of the current password', async () => {
    installFakeBridge({
      'session:change-password': () => {
        throw new GuichetError('unauthorized', 'Le mot de passe actuel est incorrect.');
      },
    });
    render(<MyAccountScreen />);
    fill('Mot de passe actuel', 'faux');
    fill('Nouveau mot de passe', 'girafe violon marée escalier');
    fill('Confirmation du nouveau mot de passe', 'girafe violon marée escalier');
    await screen.findByText(/— accepté\./, {}, { timeout: 10_000 });
    fireEvent.click(screen.getByRole('button', { name: 'Enregistrer le mot de passe' }));
    await waitFor(() => expect(screen.getAllByRole('alert').some((a) => a.textContent?.includes('incorrect'))).toBe(true));
    expect(screen.queryByText(/Votre mot de passe est changé/)).toBeNull();
  }, 30_000);
});
