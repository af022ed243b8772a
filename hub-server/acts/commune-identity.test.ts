import { describe, expect, it } from 'vitest';
import { identityFromRow } from './commune-identity.js';

describe('@CTES identity of a collectivité', () => {
  it('takes a commune’s département from its INSEE code and its arrondissement digit from the COG', () => {
    expect(identityFromRow({ insee: '10387', siren: '211003744', arrondissement: '103' })).toEqual({
      siren: '211003744',
      departement: '010',
      arrondissement: '3',
      nature: '31',
    });
    expect(identityFromRow({ insee: '2A004', siren: '212000046', arrondissement: '2A1' }).departement).toBe('02A');
  });

  it('takes a grouping’s département from its member communes (it has no INSEE code of its own)', () => {
    expect(identityFromRow({ insee: null, siren: '200069250', arrondissement: null, territory: '10003' })).toMatchObject({
      siren: '200069250',
      departement: '010',
      arrondissement: '0',
    });
  });
});
