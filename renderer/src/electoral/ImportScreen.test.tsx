import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportPreview } from '../../../shared/electoral/ipc.js';
import { GuichetError } from '../../../shared/errors.js';
import { installFakeBridge } from '../testing/fake-bridge.js';
import { ImportScreen } from './ImportScreen.js';
import { useImport } from './store.js';

const preview: ImportPreview = {
  previewId: 'p1',
  fileName: 'extraction_10387_2026-11-02.csv',
  fileSha256: 'abc',
  extractDate: '2026-11-02',
  encoding: 'windows-1252',
  counts: { LP: 1200, LCM: 14, LCE: 9 },
  total: 1223,
  diff: { added: 60, removed: 2, changedBureau: 1, changedAddress: 0 },
  diffSample: Array.from({ length: 63 }, (_, i) => ({
    electorId: `e${i}`,
    label: `PERSONNE ${i} (01/01/1970)`,
    change: i < 60 ? ('added' as const) : ('removed' as const),
  })),
  warnings: ['Ligne 18 : date de naissance incomplète (jour inconnu).'],
  alreadyImported: false,
  removal: { currentTotal: 1165, removed: 2, share: 2 / 1165, massRemoval: false },
};

// French number formatting uses a narrow no-break space.
const text = (el: Element) => el.textContent!.replace(/\s/g, ' ');

function choose(name = preview.fileName) {
  const file = new File(['a;b;c\n'], name, { type: 'text/csv' });
  fireEvent.change(screen.getByLabelText('Fichier à importer'), { target: { files: [file] } });
}

describe('ImportScreen', () => {
  beforeEach(() => useImport.getState().reset());
  afterEach(cleanup);

  it('shows progress, then the preview: counts per list, diff summary, paged diff, warnings', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const fake = installFakeBridge({
      'electoral:import-preview': async () => {
        await gate;
        return preview;
      },
      'electoral:import-diff': ({ offset, limit }) => ({ total: 63, items: preview.diffSample.slice(offset, offset + limit) }),
      'electoral:import-commit': () => ({
        id: 'i1',
        fileName: preview.fileName,
        fileSha256: 'abc',
        extractDate: '2026-11-02',
        importedAtLocal: '2026-11-28T18:00:00Z',
        importedBy: 'Claire',
        counts: preview.counts,
        diff: preview.diff,
      }),
    });
    render(<ImportScreen />);
    choose();
    await screen.findByText('Lecture du fichier…');
    fake.emit('electoral:import-progress', { phase: 'controle', done: 500, total: 1223 });
    await screen.findByText('500 lignes sur 1 223');
    expect(screen.getByRole('progressbar')).toHaveProperty('value', 41);
    release();

    await screen.findByText(/Vérifiez avant d'importer/);
    const input = fake.callsOf('electoral:import-preview')[0] as { fileName: string; content: Uint8Array };
    expect(input.fileName).toBe(preview.fileName);
    expect(input.content).toBeInstanceOf(Uint8Array);

    const counts = screen.getByRole('table', { name: /Électeurs dans le fichier/ });
    expect(text(within(counts).getByRole('row', { name: /Liste principale/ }))).toContain('1 200');
    expect(text(within(counts).getByRole('row', { name: /Total/ }))).toContain('1 223');
    expect(text(screen.getByRole('row', { name: /Nouveaux électeurs/ }))).toContain('60');
    expect(screen.getByText('Ligne 18 : date de naissance incomplète (jour inconnu).')).toBeTruthy();

    const detail = screen.getByRole('table', { name: 'Détail des changements' });
    expect(within(detail).getAllByRole('row')).toHaveLength(51); // header + one page of 50
    expect(screen.getByText('1 à 50 sur 63')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Page suivante' }));
    await screen.findByText('51 à 63 sur 63');
    expect(within(screen.getByRole('table', { name: 'Détail des changements' })).getByText('PERSONNE 62 (01/01/1970)')).toBeTruthy();

    expect(screen.queryByRole('checkbox')).toBeNull(); // 2 of 1 165: routine, no confirmation
    fireEvent.click(screen.getByRole('button', { name: 'Importer' }));
    await screen.findByText('Import terminé.');
    expect(fake.callsOf('electoral:import-commit')).toEqual([{ previewId: 'p1' }]);
  });

  it('makes a file removing most of the list impossible to miss: a warning with the count, and a confirmation before Importer', async () => {
    const massive: ImportPreview = {
      ...preview,
      counts: { LP: 18, LCM: 0, LCE: 0 },
      total: 18,
      diff: { added: 0, removed: 2082, changedBureau: 0, changedAddress: 0 },
      removal: { currentTotal: 2100, removed: 2082, share: 2082 / 2100, massRemoval: true },
    };
    const fake = installFakeBridge({
      'electoral:import-preview': () => massive,
      'electoral:import-diff': () => ({ total: 0, items: [] }),
      'electoral:import-commit': () => ({
        id: 'i1',
        fileName: massive.fileName,
        fileSha256: 'abc',
        extractDate: '2026-11-02',
        importedAtLocal: '2026-11-28T18:00:00Z',
        importedBy: 'Claire',
        counts: massive.counts,
        diff: massive.diff,
      }),
    });
    render(<ImportScreen />);
    choose();
    const warning = await screen.findByRole('heading', { name: /^Attention : / });
    expect(text(warning)).toBe('Attention : 2 082 électeurs sur 2 100 (99 % de la liste) seront retirés');
    const importer = screen.getByRole('button', { name: 'Importer' }) as HTMLButtonElement;
    expect(importer.disabled).toBe(true);
    fireEvent.click(importer);
    expect(fake.callsOf('electoral:import-commit')).toHaveLength(0);

    fireEvent.click(screen.getByRole('checkbox', { name: /^J'ai compris que 2.082 électeurs seront retirés de la liste\.$/ }));
    expect(importer.disabled).toBe(false);
    fireEvent.click(importer);
    await screen.findByText('Import terminé.');
    expect(fake.callsOf('electoral:import-commit')).toEqual([{ previewId: 'p1', confirmMassRemoval: true }]);
  });

  it('Annuler drops the preview and tells the core', async () => {
    const fake = installFakeBridge({ 'electoral:import-preview': () => preview, 'electoral:import-cancel': () => null });
    render(<ImportScreen />);
    choose();
    await screen.findByText(/Vérifiez avant d'importer/);
    fireEvent.click(screen.getByRole('button', { name: 'Annuler' }));
    await waitFor(() => expect(fake.callsOf('electoral:import-cancel')).toEqual([{ previewId: 'p1' }]));
    expect(screen.getByLabelText('Fichier à importer')).toBeTruthy();
  });

  it('explains a rejected file in French, with the line', async () => {
    installFakeBridge({
      'electoral:import-preview': () => {
        throw new GuichetError('import_rejected', 'La ligne 42 est incomplète : il manque le nom de naissance.', 'line 42');
      },
    });
    render(<ImportScreen />);
    choose('liste.csv');
    const alert = await screen.findByText(/La ligne 42 est incomplète/);
    expect(alert.closest('[role=alert]')!.textContent).toContain("Le fichier n'a pas été importé.");
  });
});
