import { describe, expect, it } from 'vitest';
import type { ImportDiffEntry } from '../../shared/electoral/ipc.js';
import { encodeEntries, entriesPage } from './import-job.js';

describe('diff entries kept as JSON for the preview pages', () => {
  it('gives back every entry page by page, whatever the labels hold', () => {
    const entries: ImportDiffEntry[] = [
      { electorId: 'e-1', label: 'DUPONT Marie (12/03/1950)', change: 'added' },
      // What separates two entries in the JSON, written inside a label: escaped there, so not a separator.
      { electorId: 'e-2', label: 'O"},{"electorId":"x Jean (01/01/1960)', change: 'removed' },
      { electorId: 'e-3', label: 'MARTIN Paul (02/02/1970)', change: 'bureau', before: '0001 (MAIRIE)', after: '0002 (ÉCOLE 2)' },
      { electorId: 'e-4', label: 'LE GOFF Yann (03/03/1980)', change: 'address', before: '1 RUE A, 10000 TROYES', after: '' },
    ];
    const encoded = encodeEntries(entries);
    expect(encoded.count).toBe(4);
    expect(entriesPage(encoded, 0, 10)).toEqual(entries);
    for (let i = 0; i < 4; i++) expect(entriesPage(encoded, i, 1)).toEqual([entries[i]]);
    expect(entriesPage(encoded, 1, 2)).toEqual(entries.slice(1, 3));
    expect(entriesPage(encoded, 4, 10)).toEqual([]);
    expect(entriesPage(encodeEntries([]), 0, 10)).toEqual([]);
  });
});
