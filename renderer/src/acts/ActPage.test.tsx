import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommuneRole } from '../../../shared/accounts/roles.js';
import type { ActDetail } from '../../../shared/acts/ipc.js';
import { useSession } from '../session/store.js';
import { installFakeBridge, loggedIn } from '../testing/fake-bridge.js';
import { ActPage } from './ActPage.js';
import { useActs } from './store.js';
import { ACT_ID, actDetail, certificate, classification } from './test-fixtures.js';

function setup(role: CommuneRole, detail: ActDetail, extra: Record<string, (i: never) => unknown> = {}) {
  useSession.setState({ session: loggedIn(role), loading: false });
  const fake = installFakeBridge({
    'acts:get': () => detail,
    'acts:certificate': () => certificate,
    'acts:classification': () => classification,
    'acts:list': () => [],
    ...extra,
  } as never);
  render(<ActPage id={ACT_ID} />);
  return fake;
}

describe('ActPage', () => {
  beforeEach(() =>
    useActs.setState({
      detail: null,
      certificate: null,
      classification: null,
      classificationLoaded: false,
      error: null,
      notice: null,
      busy: null,
      progress: {},
      answered: [],
    }),
  );
  afterEach(cleanup);

  it('asks the certificate password in a dialog before signing, and signs with it', async () => {
    const fake = setup('maire', actDetail(), {
      'acts:sign': () => {
        throw Object.assign(new Error('Mot de passe du certificat incorrect.'), { name: 'GuichetError' });
      },
    });
    fireEvent.click(await screen.findByRole('button', { name: "Signer l'acte" }));
    const dialog = screen.getByRole('dialog', { name: "Signer l'acte" });
    expect(within(dialog).getByText(/certificat de Anne Maire/)).toBeTruthy();
    const password = within(dialog).getByLabelText('Mot de passe du certificat');
    expect(document.activeElement).toBe(password);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Signer' }));
    expect(within(dialog).getByText('Saisissez le mot de passe du certificat pour signer.')).toBeTruthy();
    expect(fake.callsOf('acts:sign' as never)).toHaveLength(0);

    fireEvent.change(password, { target: { value: 'secret' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Signer' }));
    await waitFor(() => expect(within(dialog).getByText('Mot de passe du certificat incorrect.')).toBeTruthy());
    expect(fake.callsOf('acts:sign' as never)).toEqual([{ id: ACT_ID, password: 'secret' }]);
    // A wrong password is cleared, and never kept in the store.
    await waitFor(() => expect(password).toHaveProperty('value', ''));
    expect(JSON.stringify(useActs.getState())).not.toContain('secret');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  const checks = (verdict: 'match' | 'mismatch' | 'no_siren', trusted: boolean) => ({
    sha256: 'ab'.repeat(32),
    subject: 'CN=Anne Maire, O=Mairie',
    collectivite: {
      verdict,
      siren: verdict === 'no_siren' ? null : '212702294',
      message:
        verdict === 'mismatch'
          ? "Ce certificat appartient à Jeanne Dupont, Mairie d'Évreux (SIREN 212702294), pas à Troyes (SIREN 211003744) : signez avec le certificat de la collectivité."
          : verdict === 'no_siren'
            ? 'pas de SIREN'
            : null,
    },
    trust: { trusted, ca: trusted ? 'AC Test' : null, problem: null, refusal: null, listFetchedAt: '2026-12-06T10:00:00.000Z' },
  });

  it('asks the signer to confirm a certificate without SIREN, and warns when its authority is not recognised', async () => {
    const fake = setup('maire', actDetail(), {
      'acts:certificate': () => ({ ...certificate, checks: checks('no_siren', false) }),
      'acts:sign': () => actDetail({ signed: true }),
    });
    fireEvent.click(await screen.findByRole('button', { name: "Signer l'acte" }));
    const dialog = screen.getByRole('dialog', { name: "Signer l'acte" });
    expect(within(dialog).getByText(/pas dans la liste de confiance du département/)).toBeTruthy();
    fireEvent.change(within(dialog).getByLabelText('Mot de passe du certificat'), { target: { value: 'secret' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Signer' }));
    expect(within(dialog).getByText('Cochez la confirmation pour signer avec ce certificat.')).toBeTruthy();
    expect(fake.callsOf('acts:sign' as never)).toHaveLength(0);
    fireEvent.click(within(dialog).getByLabelText('Je confirme que ce certificat est celui de la collectivité'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Signer' }));
    await waitFor(() => expect(fake.callsOf('acts:sign' as never)).toEqual([{ id: ACT_ID, password: 'secret', confirmNoSiren: true }]));
  });

  it('offers no signature with another collectivité’s certificate, and says why', async () => {
    setup('maire', actDetail(), { 'acts:certificate': () => ({ ...certificate, checks: checks('mismatch', true) }) });
    expect(await screen.findByText(/Ce certificat appartient à Jeanne Dupont/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: "Signer l'acte" })).toBeNull();
  });

  it('offers to transmit a budget document in XML without signing it', async () => {
    const xmlAct = actDetail();
    xmlAct.act.draft.act = { ...xmlAct.act.draft.act, fileName: 'budget.xml', kind: 'xml', typology: '99_BU' };
    const fake = setup('maire', xmlAct, { 'acts:transmit': () => actDetail({ transmit: true, pending: true }) });
    fireEvent.click(await screen.findByRole('button', { name: 'Transmettre à la préfecture' }));
    expect(screen.queryByRole('button', { name: "Signer l'acte" })).toBeNull();
    await waitFor(() => expect(fake.callsOf('acts:transmit' as never)).toEqual([{ id: ACT_ID }]));
  });

  it('closes the dialog and offers to transmit once signed', async () => {
    const fake = setup('maire', actDetail(), {
      'acts:sign': () => actDetail({ signed: true }),
      'acts:transmit': () => actDetail({ signed: true, transmit: true, pending: true }),
    });
    fireEvent.click(await screen.findByRole('button', { name: "Signer l'acte" }));
    fireEvent.change(screen.getByLabelText('Mot de passe du certificat'), { target: { value: 'secret' } });
    fireEvent.click(screen.getByRole('button', { name: 'Signer' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Transmettre à la préfecture' }));
    await screen.findByText(/En attente d'envoi :/);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toMatch(/^Acte \S+ En attente d'envoi $/);
    expect(fake.callsOf('acts:transmit' as never)).toEqual([{ id: ACT_ID }]);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('does not offer to sign with an expired certificate', async () => {
    useSession.setState({ session: loggedIn('maire'), loading: false });
    installFakeBridge({
      'acts:get': () => actDetail(),
      'acts:certificate': () => ({ ...certificate, notAfter: '2025-01-01T00:00:00Z' }),
      'acts:classification': () => classification,
      'acts:list': () => [],
    } as never);
    render(<ActPage id={ACT_ID} />);
    await screen.findByText(/Ce certificat a expiré le 01\/01\/2025/);
    expect(screen.queryByRole('button', { name: "Signer l'acte" })).toBeNull();
    expect(screen.getByRole('button', { name: 'Importer un autre certificat' })).toBeTruthy();
  });

  it('offers no signing to a secretary, who is told the mayor signs', async () => {
    setup('secretaire', actDetail());
    await screen.findByRole('heading', { name: /Acte 2026_045/ });
    expect(screen.queryByRole('button', { name: "Signer l'acte" })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Transmettre à la préfecture' })).toBeNull();
    expect(screen.getByText(/Le maire \(ou son délégué\) signe l'acte/)).toBeTruthy();
  });

  it('shows the timeline, the IDActe and the receipt downloads once acknowledged', async () => {
    const createObjectURL = vi.fn(() => 'blob:x');
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const fake = setup(
      'maire',
      actDetail({
        signed: true,
        transmit: true,
        status: {
          state: 'acquitte',
          idActe: '010-211003876-20261120-2026_045-DE',
          dateReception: '2026-11-28',
          timeline: [
            { at: '2026-11-28T10:05:00Z', state: 'transmis', label: 'Transmis à la préfecture' },
            { at: '2026-11-28T10:20:00Z', state: 'acquitte', label: 'Accusé de réception reçu', detail: 'ARActe du ministère' },
          ],
        },
      }),
      { 'acts:bordereau': () => ({ fileName: 'bordereau.pdf', mime: 'application/pdf', content: new Uint8Array([37, 80, 68, 70]) }) },
    );
    await screen.findByText('010-211003876-20261120-2026_045-DE');
    expect(screen.getByText('28/11/2026')).toBeTruthy();
    const steps = within(screen.getByRole('list', { name: "Étapes de l'acte" })).getAllByRole('listitem');
    expect(steps.map((s) => s.textContent)).toEqual([
      expect.stringMatching(/Transmis à la préfecture/),
      expect.stringMatching(/Accusé de réception reçu — ARActe du ministère/),
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Télécharger le bordereau' }));
    await waitFor(() => expect(createObjectURL).toHaveBeenCalled());
    expect(fake.callsOf('acts:bordereau' as never)).toEqual([{ id: ACT_ID }]);
    expect(screen.getByRole('button', { name: "Demander l'annulation" })).toBeTruthy();
  });

  it('asks confirmation before requesting the cancellation', async () => {
    const fake = setup(
      'maire',
      actDetail({ signed: true, transmit: true, status: { state: 'acquitte', idActe: '010-211003876-20261120-2026_045-DE' } }),
      {
        'acts:cancel': () => actDetail({ signed: true, transmit: true, status: { state: 'annulation_demandee' } }),
      },
    );
    fireEvent.click(await screen.findByRole('button', { name: "Demander l'annulation" }));
    const dialog = screen.getByRole('alertdialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Annuler' }));
    expect(fake.callsOf('acts:cancel' as never)).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: "Demander l'annulation" }));
    fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: "Demander l'annulation" }));
    await waitFor(() => expect(fake.callsOf('acts:cancel' as never)).toEqual([{ id: ACT_ID }]));
  });

  it('answers a letter of observations with the types allowed for it', async () => {
    const withLetter = actDetail({
      status: {
        state: 'acquitte',
        letters: [
          { id: 'L1', type: '4-1', direction: 'recu', label: "Lettre d'observations", date: '2026-11-29', files: [], state: 'recu' },
        ],
      },
    });
    const fake = setup('maire', withLetter, { 'acts:answer-letter': () => withLetter });
    const letter = await screen.findByRole('region', { name: "Lettre d'observations" });
    const radios = within(letter)
      .getAllByRole('radio')
      .map((r) => (r as HTMLInputElement).value);
    expect(radios).toEqual(['4-2', '4-3', '4-4']);
    fireEvent.click(within(letter).getByLabelText("Répondre à la lettre d'observations"));
    fireEvent.click(within(letter).getByRole('button', { name: 'Envoyer la réponse' }));
    expect(within(letter).getByText('Joignez le document de votre réponse (PDF).')).toBeTruthy();
    fireEvent.change(within(letter).getByLabelText('Document de la réponse'), {
      target: { files: [new File(['%PDF-1.4'], 'reponse.pdf')] },
    });
    fireEvent.click(within(letter).getByRole('button', { name: 'Envoyer la réponse' }));
    await waitFor(() => expect(fake.callsOf('acts:answer-letter' as never)).toHaveLength(1));
    expect(fake.callsOf('acts:answer-letter' as never)[0]).toMatchObject({
      actId: ACT_ID,
      letterId: 'L1',
      type: '4-4',
      files: [{ fileName: 'reponse.pdf' }],
    });
    // Not offered twice while the answer waits for the hub.
    await within(letter).findByText(/Réponse enregistrée sur ce poste/);
    expect(within(letter).queryByRole('button', { name: 'Envoyer la réponse' })).toBeNull();
  });
});
