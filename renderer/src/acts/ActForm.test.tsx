import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckDraftInput } from '../../../shared/acts/ipc.js';
import { useNav } from '../nav/store.js';
import { installFakeBridge } from '../testing/fake-bridge.js';
import { ActForm, CHECK_DEBOUNCE_MS } from './ActForm.js';
import { useActs } from './store.js';
import { ACT_ID, actDetail, classification } from './test-fixtures.js';

type Problems = { field: string; message: string }[];

function setup(check: (i: CheckDraftInput) => Problems = () => []) {
  const fake = installFakeBridge({
    'acts:classification': () => classification,
    'acts:check-draft': check,
    'acts:create': () => actDetail(),
    'acts:list': () => [],
  } as never);
  render(<ActForm />);
  return fake;
}

const pdf = () => new File([new TextEncoder().encode('%PDF-1.7\n% test\n')], 'deliberation.pdf', { type: 'application/pdf' });
const wait = () => act(() => new Promise((r) => setTimeout(r, CHECK_DEBOUNCE_MS + 50)));

describe('ActForm (drafting an act)', () => {
  beforeEach(() => {
    useNav.setState({ route: { name: 'act-new' } });
    useActs.setState({ classification: null, classificationLoaded: false, error: null, notice: null, busy: null });
  });
  afterEach(cleanup);

  it('turns the numéro interne into uppercase letters without accents as she types', async () => {
    setup();
    const input = screen.getByLabelText('Numéro interne');
    fireEvent.change(input, { target: { value: '2026_délib' } });
    expect(input).toHaveProperty('value', '2026_DELIB');
    expect(screen.getByText(/15 caractères au plus/).id).toBe(input.getAttribute('aria-describedby')?.split(' ')[0]);
  });

  it('offers only the typologies the classification allows for the nature chosen', async () => {
    setup();
    await screen.findByLabelText('Matière');
    const typology = screen.getByLabelText("Type de document de l'acte") as HTMLSelectElement;
    expect(typology.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText("Nature de l'acte"), { target: { value: '1' } });
    expect(Array.from(typology.options, (o) => o.value)).toEqual(['99_DE', '22_DP']);
    expect(typology.value).toBe('99_DE');
    fireEvent.change(screen.getByLabelText("Nature de l'acte"), { target: { value: '3' } });
    expect(Array.from(typology.options, (o) => o.value)).toEqual(['99_AI', '22_AR']);
    // The typology of the other nature is not kept.
    expect(typology.value).toBe('99_AI');
  });

  it('cascades the matières: the second level lists the children of the first', async () => {
    setup();
    fireEvent.change(await screen.findByLabelText('Matière'), { target: { value: '7' } });
    const level2 = screen.getByLabelText('Sous-matière') as HTMLSelectElement;
    expect(Array.from(level2.options, (o) => o.text)).toEqual(['— Choisir —', '7.1 — Décisions budgétaires']);
    fireEvent.change(level2, { target: { value: '1' } });
    expect(screen.getByLabelText('Précision (niveau 3, facultatif)')).toBeTruthy();
  });

  it('shows each problem the core finds next to its field, and all of them on submit', async () => {
    const fake = setup((i) =>
      (i.numeroInterne.startsWith('_') ? [{ field: 'numeroInterne', message: 'Le numéro ne peut pas commencer par « _ ».' }] : []).concat(
        i.objet ? [] : [{ field: 'objet', message: "L'objet de l'acte est obligatoire." }],
      ),
    );
    const numero = screen.getByLabelText('Numéro interne');
    fireEvent.change(numero, { target: { value: '_12' } });
    fireEvent.blur(numero);
    await wait();
    const err = await screen.findByText('Le numéro ne peut pas commencer par « _ ».');
    expect(numero.getAttribute('aria-describedby')).toContain(err.id);
    expect(numero.getAttribute('aria-invalid')).toBe('true');
    // Not yet visited: no message under the objet.
    expect(screen.queryByText("L'objet de l'acte est obligatoire.")).toBeNull();
    expect(fake.callsOf('acts:check-draft' as never).length).toBeGreaterThan(0);

    fireEvent.click(screen.getByRole('button', { name: 'Enregistrer le brouillon' }));
    await waitFor(() => expect(screen.getByText("Avant d'enregistrer, corrigez ces points :")).toBeTruthy());
    const box = screen.getByText("Avant d'enregistrer, corrigez ces points :").closest('.alert') as HTMLElement;
    expect(within(box).getByText(/Objet : L'objet de l'acte est obligatoire/)).toBeTruthy();
    expect(within(box).getByText(/Fichier de l'acte : Joignez le fichier/)).toBeTruthy();
    expect(screen.getByText("L'objet de l'acte est obligatoire.", { selector: '.error-text' })).toBeTruthy();
    expect(fake.callsOf('acts:create' as never)).toHaveLength(0);
  });

  it('takes the decision date typed JJ/MM/AAAA in a text field, as in the demands (no browser date picker)', async () => {
    const fake = setup((i) =>
      /^\d{4}-\d{2}-\d{2}$/.test(i.decisionDate)
        ? []
        : [{ field: 'decisionDate', message: "La date de décision n'est pas une date valide." }],
    );
    const date = screen.getByLabelText('Date de décision');
    expect(date.getAttribute('type')).toBeNull();
    expect(date.getAttribute('inputmode')).toBe('numeric');
    expect(screen.getByText(/JJ\/MM\/AAAA, par exemple 14\/07\/2026/).id).toBe(date.getAttribute('aria-describedby')?.split(' ')[0]);
    fireEvent.change(date, { target: { value: '31/02/2026' } });
    fireEvent.blur(date);
    await wait();
    expect(await screen.findByText("La date de décision n'est pas une date valide.", { selector: '.error-text' })).toBeTruthy();
    fireEvent.change(date, { target: { value: '5/11/2026' } });
    await wait();
    expect(fake.callsOf('acts:check-draft' as never).at(-1)).toMatchObject({ decisionDate: '2026-11-05' });
    expect(screen.queryByText("La date de décision n'est pas une date valide.")).toBeNull();
  });

  it('drops the problem of a field she corrects at once, and keeps those of the fields she did not touch until the next check', async () => {
    setup((i) =>
      (/^\d{4}-\d{2}-\d{2}$/.test(i.decisionDate)
        ? []
        : [{ field: 'decisionDate', message: "La date de décision n'est pas une date valide." }]
      ).concat(i.objet ? [] : [{ field: 'objet', message: "L'objet de l'acte est obligatoire." }]),
    );
    const date = screen.getByLabelText('Date de décision');
    fireEvent.change(date, { target: { value: '31/02/2026' } });
    fireEvent.blur(date);
    fireEvent.blur(screen.getByLabelText('Objet'));
    await wait();
    expect(screen.getByText("La date de décision n'est pas une date valide.", { selector: '.error-text' })).toBeTruthy();
    // Corrected: the old sentence is not shown under a date that is now right, even before the core answers again.
    fireEvent.change(date, { target: { value: '05/11/2026' } });
    expect(screen.queryByText("La date de décision n'est pas une date valide.")).toBeNull();
    expect(screen.getByText("L'objet de l'acte est obligatoire.", { selector: '.error-text' })).toBeTruthy();
    await wait();
    expect(screen.queryByText("La date de décision n'est pas une date valide.")).toBeNull();
    expect(screen.getByText("L'objet de l'acte est obligatoire.", { selector: '.error-text' })).toBeTruthy();
  });

  it('lists the errors in the order of the form', async () => {
    // The core answers in its own order (numéro, date, objet, nature, matière, file).
    setup(() => [
      { field: 'numeroInterne', message: "Le numéro de l'acte est obligatoire." },
      { field: 'decisionDate', message: "La date de décision n'est pas une date valide." },
      { field: 'objet', message: "L'objet de l'acte est obligatoire." },
      { field: 'codeNatureActe', message: "Choisissez la nature de l'acte dans la liste." },
      { field: 'matieres', message: 'Précisez la matière.' },
    ]);
    await screen.findByLabelText('Matière');
    fireEvent.click(screen.getByRole('button', { name: 'Enregistrer le brouillon' }));
    const box = (await screen.findByText("Avant d'enregistrer, corrigez ces points :")).closest('.alert') as HTMLElement;
    const fields = Array.from(box.querySelectorAll('li'), (li) => li.textContent?.split(' : ')[0]);
    expect(fields).toEqual(["Nature de l'acte", 'Numéro interne', 'Date de décision', 'Objet', 'Matière', "Fichier de l'acte"]);
  });

  it('gives each annex a typology of the nature (or the detached signature) and shows sizes and the total', async () => {
    setup();
    fireEvent.change(await screen.findByLabelText("Nature de l'acte"), { target: { value: '3' } });
    const png = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2])], 'plan.png', { type: 'image/png' });
    fireEvent.change(screen.getByLabelText('Ajouter des annexes (facultatif)'), { target: { files: [png] } });
    const typology = (await screen.findByLabelText("Type de document de l'annexe plan.png")) as HTMLSelectElement;
    expect(Array.from(typology.options, (o) => o.value)).toEqual(['99_AI', '22_AR', '99_SE']);
    expect(screen.getByText(/image PNG, 10 octets/)).toBeTruthy();
    expect(screen.getByText('Taille totale : 10 octets sur 150 Mo autorisés.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: "Retirer l'annexe plan.png" }));
    expect(screen.queryByLabelText("Type de document de l'annexe plan.png")).toBeNull();
  });

  it('keeps the objet on one line and counts up to 499', () => {
    setup();
    const objet = screen.getByLabelText('Objet');
    fireEvent.change(objet, { target: { value: 'Tarifs\nde la cantine' } });
    expect(objet).toHaveProperty('value', 'Tarifs de la cantine');
    expect(screen.getByText('20 / 499 caractères')).toBeTruthy();
  });

  it('saves the draft with the files as bytes and opens the act', async () => {
    const fake = setup();
    fireEvent.change(await screen.findByLabelText("Nature de l'acte"), { target: { value: '1' } });
    fireEvent.change(screen.getByLabelText('Numéro interne'), { target: { value: '2026_045' } });
    fireEvent.change(screen.getByLabelText('Date de décision'), { target: { value: '20/11/2026' } });
    fireEvent.change(screen.getByLabelText('Objet'), { target: { value: 'Tarifs de la cantine' } });
    fireEvent.change(screen.getByLabelText('Matière'), { target: { value: '7' } });
    fireEvent.change(screen.getByLabelText('Sous-matière'), { target: { value: '1' } });
    fireEvent.change(screen.getByLabelText("Fichier de l'acte"), { target: { files: [pdf()] } });
    await screen.findByText('deliberation.pdf');
    expect(screen.getByText(/PDF, \d+ octets/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Enregistrer le brouillon' }));
    await waitFor(() => expect(useNav.getState().route).toEqual({ name: 'act', id: ACT_ID }));
    const sent = fake.callsOf('acts:create' as never)[0] as Record<string, unknown>;
    expect(sent).toMatchObject({
      numeroInterne: '2026_045',
      decisionDate: '2026-11-20',
      codeNatureActe: 1,
      matieres: [7, 1],
      objet: 'Tarifs de la cantine',
      actTypology: '99_DE',
      annexes: [],
    });
    expect((sent.actFile as { content: Uint8Array }).content).toBeInstanceOf(Uint8Array);
  });
});
