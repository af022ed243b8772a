import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { registry } from '../domains.js';
import { createRegistry } from './registry.js';
import { collection, defineDomain } from './spec.js';

describe('domain registry', () => {
  it('knows every domain collection with its service and who may read it', () => {
    expect(registry.collectionNames).toEqual(expect.arrayContaining(['electoral.demands', 'acts.acts', 'acts.classification']));
    expect(registry.collection('electoral.electors')).toMatchObject({ domain: 'electoral', service: 'electoral', writer: 'hub' });
    expect(registry.collection('nope.nothing')).toBeUndefined();
  });

  it('is the one home of « service opted into and permission held »', () => {
    const secretaire = { services: ['acts'], permissions: registry.permissionsOf('secretaire') };
    expect(registry.readableCollections(secretaire).sort()).toEqual(['acts.acts', 'acts.classification', 'acts.status']);
    const consultation = { services: ['electoral', 'acts'], permissions: registry.permissionsOf('consultation') };
    expect(registry.readableCollections(consultation)).not.toContain('electoral.electors');
    expect(registry.can('maire', 'electoral.decide')).toBe(true);
    expect(registry.can('secretaire', 'electoral.decide')).toBe(false);
  });

  it('refuses a declaration a typo would make dangerous', () => {
    const badPrefix = defineDomain<Record<never, never>>()({
      id: 'toy',
      service: null,
      permissions: { 'toy.read': { label: 'Lire', roles: ['maire'] } },
      collections: { 'other.items': collection({ writer: 'hub', read: 'toy.read', schema: z.object({}) }) },
      commands: {},
      channels: {},
      events: [],
    });
    expect(() => createRegistry([badPrefix])).toThrow(/must start with toy\./);
    const unknownPermission = {
      ...badPrefix,
      collections: { 'toy.items': collection({ writer: 'hub', read: 'toy.write', schema: z.object({}) }) },
    };
    expect(() => createRegistry([unknownPermission])).toThrow(/declared by no domain/);
  });
});
