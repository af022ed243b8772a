import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActSummary } from '../../../shared/acts/ipc.js';
import { useNav } from '../nav/store.js';
import { useSession } from '../session/store.js';
import { installFakeBridge, loggedIn } from '../testing/fake-bridge.js';
import { ActsScreen } from './ActsScreen.js';
import { CertificateCard, expiryWarning } from './CertificateScreen.js';
import { useActs } from './store.js';
import { certificate } from './test-fixtures.js';

const row = (i: number, over: Partial<ActSummary> = {}): ActSummary => ({
  id: `a${i}`,
  numeroInterne: `2026_${String(i).padStart(3, '0')}`,
  objet: `Objet ${i}`,
  codeNatureActe: 1,
  decisionDate: '2026-11-20',
  state: 'brouillon',
  idActe: null,
  pending: false,
  ...over,
});

describe('ActsScreen', () => {
  beforeEach(() => {
    useSession.setState({ session: loggedIn('maire'), loading: false });
    useActs.setState({ items: [], filter: null, offset: 0, error: null, notice: null });
  });
  afterEach(cleanup);

  it('lists acts with their state in words, the IDActe and the pending badge, by pages of 50', async () => {
    const items = [
      row(1, { state: 'acquitte', idActe: '010-211003876-20261120-2026_001-DE' }),
      row(2, { state: 'poste', pending: true }),
      ...Array.from({ length: 60 }, (_, i) => row(i + 3)),
    ];
    const fake = installFakeBridge({
      'acts:list': ({ state }: { state: string | null }) => (state ? items.filter((a) => a.state === state) : items),
    } as never);
    render(<ActsScreen />);
    const table = await screen.findByRole('table', { name: 'Liste des actes' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(51);
    expect(rows[1].textContent).toMatch(
      /2026_001.*Délibérations.*20\/11\/2026.*Accusé de réception reçu.*010-211003876-20261120-2026_001-DE/,
    );
    // Said once, in plain words (not « Posté (en attente sur ce poste ou vers le hub) » and a badge saying it again).
    expect(rows[2].textContent).toMatch(/^2026_002.*En attente d'envoi—$/);
    expect(rows[2].textContent).not.toMatch(/Posté|hub/);
    fireEvent.click(screen.getByRole('button', { name: 'Page suivante' }));
    expect(within(table).getAllByRole('row')).toHaveLength(13);

    fireEvent.change(screen.getByLabelText('Afficher'), { target: { value: 'acquitte' } });
    await waitFor(() => expect(within(screen.getByRole('table')).getAllByRole('row')).toHaveLength(2));
    expect(fake.callsOf('acts:list' as never).at(-1)).toEqual({ state: 'acquitte' });
    fireEvent.click(screen.getByRole('button', { name: "Ouvrir l'acte 2026_001" }));
    expect(useNav.getState().route).toEqual({ name: 'act', id: 'a1' });
  });
});

describe('acts list follows the sync', () => {
  afterEach(cleanup);
  it('reads the list again when a sync round ends (a status came from the hub)', async () => {
    useSession.setState({ session: loggedIn('secretaire'), loading: false });
    let state: ActSummary['state'] = 'poste';
    const fake = installFakeBridge({ 'acts:list': () => [row(1, { state, pending: state === 'poste' })] } as never);
    render(<ActsScreen />);
    await screen.findByText("En attente d'envoi", { selector: '.state' });
    expect(screen.queryByRole('button', { name: 'Préparer un nouvel acte' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Certificat de signature' })).toBeNull();
    state = 'acquitte';
    const calls = fake.callsOf('acts:list' as never).length;
    fake.emit('sync:state', {
      online: true,
      phase: 'pulling',
      pending: 0,
      lastSuccessAt: null,
      lastError: null,
      massDeletion: null,
      rejected: [],
    });
    expect(fake.callsOf('acts:list' as never)).toHaveLength(calls);
    fake.emit('sync:state', {
      online: true,
      phase: 'idle',
      pending: 0,
      lastSuccessAt: null,
      lastError: null,
      massDeletion: null,
      rejected: [],
    });
    await screen.findByText('Accusé de réception reçu');
    expect(screen.queryByText("en attente d'envoi")).toBeNull();
  });
});

describe('certificate validity', () => {
  afterEach(cleanup);
  const now = new Date('2026-11-28T12:00:00Z');
  it('warns in French before and after expiry', () => {
    expect(expiryWarning(certificate, now)).toBeNull();
    expect(expiryWarning({ ...certificate, notAfter: '2026-12-20T00:00:00Z' }, now)).toEqual({
      level: 'warning',
      text: expect.stringMatching(/expire le 20\/12\/2026, dans 22 jours/),
    });
    expect(expiryWarning({ ...certificate, notAfter: '2026-11-01T00:00:00Z' }, now)?.text).toMatch(
      /a expiré le 01\/11\/2026 : il ne peut plus signer/,
    );
  });
  it('shows holder, issuer and validity', () => {
    render(<CertificateCard cert={certificate} />);
    expect(screen.getByText('Anne Maire')).toBeTruthy();
    expect(screen.getByText('AC Test RGS')).toBeTruthy();
    expect(screen.getByText('du 01/01/2026 au 01/01/2029')).toBeTruthy();
  });
});
